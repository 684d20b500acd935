# ktstr-probe's guest side: the BPF probes (probe.bpf.c) and the static
# agent that loads them (agent.c, skeleton embedded): $(BIN)/ktstr-probe-agent.
include bpf/build.mk

PROBE_OBJ := $(BPF_BUILD)/probe.bpf.o

$(BPF_BUILD)/obj/probe.raw.o: bpf/probe/probe.bpf.c bpf/probe/probe.h $(VMLINUX_H)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -Ibpf/probe -MMD -MP -MT $@ -c $< -o $@

$(PROBE_OBJ): $(BPF_BUILD)/obj/probe.raw.o
	@mkdir -p $(@D)
	$(BPFTOOL) gen object $@ $<

$(BUILD)/gen/probe.skel.h: $(PROBE_OBJ)
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name probe_bpf >$@.tmp
	mv $@.tmp $@

$(BPF_BUILD)/obj/probe-agent.o: bpf/probe/agent.c bpf/probe/probe.h $(BUILD)/gen/probe.skel.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -Ibpf/probe -MMD -MP -c $< -o $@

$(BPF_BUILD)/obj/probe-discover.o: bpf/probe/discover.c bpf/probe/discover.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -Ibpf/probe -MMD -MP -c $< -o $@

$(BPF_BUILD)/obj/probe-recorder.o: bpf/probe/recorder.c bpf/probe/recorder.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -Ibpf/probe -MMD -MP -c $< -o $@

$(BIN)/ktstr-probe-agent: $(BPF_BUILD)/obj/probe-agent.o $(BPF_BUILD)/obj/probe-discover.o $(BPF_BUILD)/obj/probe-recorder.o $(BPF_BUILD)/obj/usage.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LOADER_LDFLAGS) -o $@ $^ $(LOADER_LDLIBS)

-include $(BPF_BUILD)/obj/probe.raw.d $(BPF_BUILD)/obj/probe-agent.d $(BPF_BUILD)/obj/probe-discover.d $(BPF_BUILD)/obj/probe-recorder.d

all: $(BIN)/ktstr-probe-agent
ALL += $(BIN)/ktstr-probe-agent
