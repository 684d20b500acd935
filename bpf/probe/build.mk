# ktstr-probe's guest side: the BPF probes (probe.bpf.c) and the static
# agent that loads them (main.c and its parts, skeleton embedded):
# $(BIN)/ktstr-probe-agent.
include bpf/build.mk

PROBE_OBJ := $(BPF_BUILD)/probe.bpf.o

$(BPF_BUILD)/obj/probe.raw.o: bpf/probe/probe.bpf.c lib/probe_abi.h $(VMLINUX_H)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -Ibpf/probe -Ilib -MMD -MP -MT $@ -c $< -o $@

$(PROBE_OBJ): $(BPF_BUILD)/obj/probe.raw.o
	@mkdir -p $(@D)
	$(BPFTOOL) gen object $@ $<

$(BUILD)/gen/probe.skel.h: $(PROBE_OBJ)
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name probe_bpf >$@.tmp
	mv $@.tmp $@

# The agent: every bpf/probe/*.c but the BPF program, each with the skeleton.
PROBE_AGENT_OBJS := $(patsubst bpf/probe/%.c,$(BPF_BUILD)/obj/probe-%.o,\
	$(filter-out bpf/probe/probe.bpf.c,$(wildcard bpf/probe/*.c)))

$(PROBE_AGENT_OBJS): $(BPF_BUILD)/obj/probe-%.o: bpf/probe/%.c $(BUILD)/gen/probe.skel.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -Ibpf/probe -MMD -MP -c $< -o $@

$(BIN)/ktstr-probe-agent: $(PROBE_AGENT_OBJS) $(BPF_BUILD)/obj/scx.o $(BPF_BUILD)/obj/usage.o $(BPF_BUILD)/obj/log.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LOADER_LDFLAGS) -o $@ $^ $(LOADER_LDLIBS)

-include $(BPF_BUILD)/obj/probe.raw.d $(PROBE_AGENT_OBJS:.o=.d)

all: $(BIN)/ktstr-probe-agent
ALL += $(BIN)/ktstr-probe-agent
