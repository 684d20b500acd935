# ktstr-probe's guest side: the BPF probes (probe.bpf.c, the first object
# loaded, and trace.bpf.c, its fentry/fexit programs, loaded once per
# batch) and the static agent that loads them (main.c and its parts, both
# skeletons embedded): $(BIN)/ktstr-probe-agent.
include bpf/build.mk

PROBE_OBJ := $(BPF_BUILD)/probe.bpf.o
PROBE_BPF := probe trace

$(PROBE_BPF:%=$(BPF_BUILD)/obj/%.raw.o): $(BPF_BUILD)/obj/%.raw.o: bpf/probe/%.bpf.c bpf/probe/record.bpf.h bpf/probe/call.bpf.h lib/probe_abi.h $(VMLINUX_H)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -Ibpf/probe -Ilib -MMD -MP -MT $@ -c $< -o $@

$(PROBE_BPF:%=$(BPF_BUILD)/%.bpf.o): $(BPF_BUILD)/%.bpf.o: $(BPF_BUILD)/obj/%.raw.o
	@mkdir -p $(@D)
	$(BPFTOOL) gen object $@ $<

$(PROBE_BPF:%=$(BUILD)/gen/%.skel.h): $(BUILD)/gen/%.skel.h: $(BPF_BUILD)/%.bpf.o
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name $*_bpf >$@.tmp
	mv $@.tmp $@

# The agent: every bpf/probe/*.c but the BPF programs, each with the skeletons.
PROBE_AGENT_OBJS := $(patsubst bpf/probe/%.c,$(BPF_BUILD)/obj/probe-%.o,\
	$(filter-out %.bpf.c,$(wildcard bpf/probe/*.c)))

$(PROBE_AGENT_OBJS): $(BPF_BUILD)/obj/probe-%.o: bpf/probe/%.c $(PROBE_BPF:%=$(BUILD)/gen/%.skel.h)
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -Ibpf/probe -MMD -MP -c $< -o $@

$(BIN)/ktstr-probe-agent: $(PROBE_AGENT_OBJS) $(BPF_BUILD)/obj/kfacts.o $(BPF_BUILD)/obj/scx.o $(BPF_BUILD)/obj/usage.o $(BPF_BUILD)/obj/log.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LOADER_LDFLAGS) -o $@ $^ $(LOADER_LDLIBS)

-include $(PROBE_BPF:%=$(BPF_BUILD)/obj/%.raw.d) $(PROBE_AGENT_OBJS:.o=.d)

all: $(BIN)/ktstr-probe-agent
ALL += $(BIN)/ktstr-probe-agent
