# scx-bad: a scheduler the verifier rejects, for tests and fixtures. Built
# under $(BUILD)/bpf/scx-bad/ so `make install` never picks it up.
include bpf/build.mk

$(eval $(call bpf_sched,scx-bad,bpf/scx-bad/main.bpf.c,bpf/scx-ktstr/main.c,$(BPF_BUILD)/scx-bad/scx-bad.bpf.o,$(BPF_BUILD)/scx-bad/scx-bad))

all: $(BPF_BUILD)/scx-bad/scx-bad
