# BPF schedulers: vmlinux.h, BPF objects, skeletons and static loaders.
# Included by bpf/*/build.mk (the Makefile includes those); each scheduler
# calls $(eval $(call bpf_sched,...)) below.
ifndef KTSTR_BPF_MK
KTSTR_BPF_MK := 1

VMLINUX_H := $(BUILD)/gen/vmlinux.h
BPF_BUILD := $(BUILD)/bpf
# -g for BTF and line info; the DWARF is stripped afterwards (bpftool gen
# object). Relative source paths keep line info free of the checkout path.
BPF_CFLAGS := -target bpf -O2 -g -D__TARGET_ARCH_x86 -Wall -Wno-missing-declarations \
	-fdebug-compilation-dir=. -I$(BUILD)/gen -Ibpf
# The loaders run in a minimal initramfs: static, and never sanitized.
# -Ibpf: bpf/loader.h, what they share.
LOADER_CFLAGS := $(CFLAGS) -std=gnu11 $(WARN) -D_GNU_SOURCE -Ilib -Ibpf -I$(BUILD)/gen \
	-DKTSTR_VERSION='"$(VERSION)"'
LOADER_LDFLAGS := -static
LOADER_LDLIBS := -l:libbpf.a -l:libelf.a -l:libz.a -l:libzstd.a

$(VMLINUX_H): $(wildcard $(KERNEL_DIR)/vmlinux)
	@test -f $(KERNEL_DIR)/vmlinux || \
		{ echo "$(KERNEL_DIR)/vmlinux: no guest kernel: run 'make kernel' first" >&2; exit 1; }
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $(KERNEL_DIR)/vmlinux format c >$@.tmp && mv $@.tmp $@

# lib/usage.c again, without sanitizers, for the static loaders.
$(BPF_BUILD)/obj/usage.o: lib/usage.c lib/usage.h lib/log.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -c $< -o $@

# lib/log.c (every message) the same way.
$(BPF_BUILD)/obj/log.o: lib/log.c lib/log.h lib/usage.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -c $< -o $@

# lib/scx.c (exit kind names) the same way.
$(BPF_BUILD)/obj/scx.o: lib/scx.c lib/scx.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -c $< -o $@

# lib/kfacts.c (the kernel facts of the probe plan) the same way, for the probe agent.
$(BPF_BUILD)/obj/kfacts.o: lib/kfacts.c lib/kfacts.h lib/scx.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -c $< -o $@

# bpf/loader.c: what the scheduler loaders share (signals, timing, libbpf's
# messages, sched_ext state, the EXIT line); it needs lib/scx.o's kind names.
LOADER_OBJS := $(BPF_BUILD)/obj/loader.o $(BPF_BUILD)/obj/scx.o $(BPF_BUILD)/obj/usage.o $(BPF_BUILD)/obj/log.o

$(BPF_BUILD)/obj/loader.o: bpf/loader.c bpf/loader.h lib/log.h lib/scx.h lib/usage.h
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -c $< -o $@

# $(call bpf_sched,NAME,BPF_SRC,LOADER_SRC,OBJ,LOADER)
# NAME.bpf.o (BTF + line info, no DWARF) -> $(BUILD)/gen/NAME.skel.h, whose
# skeleton is always named scx_ktstr so every variant shares the loader
# source -> LOADER, a static executable embedding the object.
define bpf_sched
$(BPF_BUILD)/obj/$(1).raw.o: $(2) $(VMLINUX_H)
	@mkdir -p $$(@D)
	$(CLANG) $(BPF_CFLAGS) -I$(dir $(2)) -Ibpf/scx-ktstr -MMD -MP -MT $$@ -c $$< -o $$@

$(4): $(BPF_BUILD)/obj/$(1).raw.o
	@mkdir -p $$(@D)
	$(BPFTOOL) gen object $$@ $$<

# bpftool 7.5 writes a skeleton for libbpf 1.5: its struct_ops map entry sets
# a `link` member that libbpf 1.4.6's struct bpf_map_skeleton lacks. Drop
# it (the 32-byte map stride it declares is honoured by 1.4.6 through
# map_skel_sz); the loader attaches the struct_ops map itself.
$(BUILD)/gen/$(1).skel.h: $(4)
	@mkdir -p $$(@D)
	$(BPFTOOL) gen skeleton $$< name scx_ktstr >$$@.tmp
	sed -i -e '/map->link = /d' $$@.tmp
	mv $$@.tmp $$@

$(BPF_BUILD)/obj/$(1).o: $(3) $(BUILD)/gen/$(1).skel.h
	@mkdir -p $$(@D)
	$(CC) $(LOADER_CFLAGS) -Ibpf/scx-ktstr -DKTSTR_SKEL='"$(1).skel.h"' -MMD -MP -c $$< -o $$@

$(5): $(BPF_BUILD)/obj/$(1).o $(LOADER_OBJS)
	@mkdir -p $$(@D)
	$(CC) $(CFLAGS) $(LOADER_LDFLAGS) -o $$@ $$^ $(LOADER_LDLIBS)

-include $(BPF_BUILD)/obj/$(1).raw.d $(BPF_BUILD)/obj/$(1).d
endef

endif
