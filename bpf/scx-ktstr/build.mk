# scx-ktstr: ktstr's FIFO test scheduler (bpf/build.mk has the rules).
include bpf/build.mk

$(eval $(call bpf_sched,scx-ktstr,bpf/scx-ktstr/main.bpf.c,bpf/scx-ktstr/main.c,$(BPF_BUILD)/scx-ktstr.bpf.o,$(BIN)/scx-ktstr))

ALL += $(BIN)/scx-ktstr
# The object is installed by `make install` into lib/ktstr (not bin), so it
# is a prerequisite of `all` rather than a member of ALL. ALL is expanded
# in `all:` before this file is read, hence the loader listed there too.
all: $(BPF_BUILD)/scx-ktstr.bpf.o $(BIN)/scx-ktstr
