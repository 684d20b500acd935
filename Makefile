# ktstr — one Makefile for every tool, library, BPF object and test.
#
#   make                 build every executable into build/bin/
#   make check           run all tests; the last line reads "N passed, N failed"
#   make check-headers   compile every header alone (also part of make)
#   make check SANITIZE=1 TESTS=host   host-side tests under ASan+UBSan (build-san/)
#   make deps            install build and run dependencies (Debian 12)
#   make kernel          fetch the guest kernel into the cache, link build/kernel
#   make kernel-debug    the same plus the DWARF vmlinux
#   make kernel-61       bookworm's 6.1 kernel (no sched_ext) for the wrong-kernel tests
#   make schedulers      build the kernel's example sched_ext schedulers (static,
#                        from Debian's linux-source) into $(KERNEL_DIR)/schedulers/
#   make rust-schedulers build scx's Rust schedulers (cargo) into $(KERNEL_DIR)/schedulers/rust/
#   make demo            the README's demo: the host-made crash and its auto-repro report
#   make install PREFIX=/usr/local DESTDIR=
#   make fuzz [FUZZ_SECONDS=N] libFuzzer harnesses of the parsers (tests/fuzz/fuzz.mk)
#   make deb             a Debian package of the installed tree (build/ktstr_*.deb)
#   make clean

VERSION := $(shell cat VERSION)
PREFIX  ?= /usr/local
DESTDIR ?=

ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD    ?= build
SANFLAGS :=
endif
# The guest kernel: the folder `make kernel` links (bzImage, vmlinux, config).
KERNEL_DIR ?= build/kernel

CC      ?= gcc
CLANG   ?= clang-19
BPFTOOL ?= bpftool
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
ifneq ($(CI),)
WERROR  ?= 1
endif
ifeq ($(WERROR),1)
WARN    += -Werror
endif
KT_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Ilib -I$(BUILD)/gen -DKTSTR_VERSION='"$(VERSION)"' $(SANFLAGS)
KT_LDFLAGS := $(SANFLAGS) -Wl,--as-needed
LDLIBS  := -ljansson -lyaml -lbpf -ldw -lelf -lz -lzstd -llz4

BIN := $(BUILD)/bin
OBJ := $(BUILD)/obj

# lib/: shared C, one module per concern, archived into libktstr.a.
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(OBJ)/%.o)
LIBKTSTR := $(BUILD)/libktstr.a

# tools/<name>/: one executable each. C tools link every tools/<name>/*.c;
# shell tools are tools/<name>/<name>.sh. A tools/<name>/build.mk may add
# <name>_LDFLAGS, <name>_LDLIBS, <name>_DEPS (extra prerequisites) or rules.
C_TOOLS  := $(sort $(patsubst tools/%/,%,$(dir $(wildcard tools/*/*.c))))
SH_TOOLS := $(sort $(patsubst tools/%/,%,$(dir $(wildcard tools/*/*.sh))))
SH_TOOLS := $(filter-out $(C_TOOLS),$(SH_TOOLS))
TOOLS    := $(C_TOOLS) $(SH_TOOLS)
ALL      := $(addprefix $(BIN)/,$(TOOLS))

all: $(ALL)

-include $(wildcard bpf/*/build.mk tools/*/build.mk)
include tests/fuzz/fuzz.mk

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(KT_CFLAGS) $($(notdir $(patsubst %/,%,$(dir $<)))_CFLAGS) -MMD -MP -c $< -o $@

$(LIBKTSTR): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

define c_tool
$(BIN)/$(1): $(patsubst %.c,$(OBJ)/%.o,$(wildcard tools/$(1)/*.c)) $(LIBKTSTR) $$($(1)_DEPS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(KT_LDFLAGS) $$($(1)_LDFLAGS) -o $$@ $$(filter %.o %.a,$$^) $$($(1)_LDLIBS) $$(LDLIBS)
$(patsubst %.c,$(OBJ)/%.o,$(wildcard tools/$(1)/*.c)): | $$($(1)_DEPS)
endef
$(foreach t,$(C_TOOLS),$(eval $(call c_tool,$(t))))

define sh_tool
$(BIN)/$(1): tools/$(1)/$(1).sh VERSION
	@mkdir -p $$(@D)
	sed 's/@VERSION@/$(VERSION)/g' $$< >$$@.tmp && chmod +x $$@.tmp && mv $$@.tmp $$@
endef
$(foreach t,$(SH_TOOLS),$(eval $(call sh_tool,$(t))))

# Every header compiles alone, so it includes what it uses: one stamp per
# header, made with the flags of its users (BPF headers with the BPF ones).
HEADERS     := $(wildcard lib/*.h tools/*/*.h bpf/*.h bpf/*/*.h)
HEADER_OKS  := $(HEADERS:%=$(OBJ)/hdr/%.ok)

$(OBJ)/hdr/%.h.ok: %.h
	@mkdir -p $(@D)
	@echo '#include <$(notdir $<)>' | $(CC) -I$(dir $<) $(CFLAGS) $(KT_CFLAGS) -Ibpf -fsyntax-only \
		-MMD -MP -MT $@ -MF $@.d -x c - && touch $@

$(OBJ)/hdr/%.bpf.h.ok: %.bpf.h $(VMLINUX_H)
	@mkdir -p $(@D)
	@echo '#include <$(notdir $<)>' | $(CLANG) -I$(dir $<) $(BPF_CFLAGS) -Ilib -fsyntax-only \
		-MMD -MP -MT $@ -MF $@.d -x c - && touch $@

check-headers: $(HEADER_OKS)
all: check-headers

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# Tests: tests/run.sh replays every case of tests/<tool>/ against $(BIN).
# TESTS=host skips the ones that boot VMs; TESTS=<tool> runs one folder.
TESTS ?=
check: all
	@KTSTR_BIN=$(abspath $(BIN)) KTSTR_BUILD=$(abspath $(BUILD)) KTSTR_KERNEL_DIR=$(abspath $(KERNEL_DIR)) \
		sh tests/run.sh $(TESTS)

demo: all
	$(BIN)/ktstr demo

bench: all
	@for b in $(filter-out bench/lib.sh,$(wildcard bench/*.sh)); do echo "== $$b"; KTSTR_BIN=$(abspath $(BIN)) sh $$b || exit 1; done

deps:
	sh scripts/deps.sh

# The installed tool's own fetch (ktstr kernel fetch), linked as build/kernel.
kernel: $(BIN)/ktstr
	$(BIN)/ktstr kernel fetch --link $(KERNEL_DIR)

kernel-debug: $(BIN)/ktstr
	$(BIN)/ktstr kernel fetch --debug --link $(KERNEL_DIR)

# bookworm's 6.1 cloud kernel, without sched_ext: the wrong kernel of the tests.
kernel-61:
	sh scripts/kernel-61.sh

schedulers:
	sh scripts/schedulers.sh --kernel-dir $(KERNEL_DIR)

rust-schedulers:
	sh scripts/rust-schedulers.sh --kernel-dir $(KERNEL_DIR)

# The installed tree (make deb packages it with PREFIX=/usr):
#   bin/                 the tools
#   lib/ktstr/           the driver's sourced files, the BPF objects, and
#                        schedulers/: the kernel's example schedulers that
#                        make schedulers built (not the tests' injected bugs)
#   share/ktstr/scenarios/  the project's scenarios (ktstr test, ktstr demo)
#   share/man/, share/bash-completion/completions/ktstr
KTSTR_LIB := tools/ktstr/cache.sh tools/ktstr/kernel.sh tools/ktstr/apt-private.sh
SCHED_DIR := $(KERNEL_DIR)/schedulers
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/lib/ktstr \
		$(DESTDIR)$(PREFIX)/share/ktstr/scenarios $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(ALL) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	$(if $(wildcard man/*.5),install -d $(DESTDIR)$(PREFIX)/share/man/man5 && install -m 644 $(wildcard man/*.5) $(DESTDIR)$(PREFIX)/share/man/man5/)
	$(if $(wildcard $(BUILD)/bpf/*.o),install -m 644 $(wildcard $(BUILD)/bpf/*.o) $(DESTDIR)$(PREFIX)/lib/ktstr/)
	install -m 644 $(KTSTR_LIB) $(DESTDIR)$(PREFIX)/lib/ktstr/
	install -m 644 tests/scenarios/*.yaml $(DESTDIR)$(PREFIX)/share/ktstr/scenarios/
	install -m 644 tools/ktstr/completion.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ktstr
	if [ -f $(SCHED_DIR)/STATUS ]; then \
		install -d $(DESTDIR)$(PREFIX)/lib/ktstr/schedulers && \
		for s in $$(sed -n 's/^\([A-Za-z0-9_]*\) ok$$/\1/p' $(SCHED_DIR)/STATUS); do \
			[ ! -f tests/external/patches/$$s.patch ] || continue; \
			install -m 755 $(SCHED_DIR)/$$s $(DESTDIR)$(PREFIX)/lib/ktstr/schedulers/ && \
			install -m 644 $(SCHED_DIR)/$$s.bpf.o $(DESTDIR)$(PREFIX)/lib/ktstr/schedulers/ || exit 1; \
		done; \
	fi

# make deb: that tree with PREFIX=/usr as $(DEBDIR)/ktstr_$(VERSION)_amd64.deb
# (scripts/deb.sh: Debian's layout, the control file and its dependencies).
DEBDIR ?= $(BUILD)
deb: all
	rm -rf $(BUILD)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(BUILD)/deb/debian/ktstr) PREFIX=/usr
	sh scripts/deb.sh $(BUILD)/deb/debian/ktstr $(VERSION) $(DEBDIR)

# One version everywhere (every tool's --version, the guest's start lines,
# the package): the C objects are compiled with -DKTSTR_VERSION, so a new
# VERSION rebuilds them.
$(filter-out %.raw.o,$(shell find $(OBJ) $(BUILD)/bpf/obj -name '*.o' 2>/dev/null)): VERSION

clean:
	@# build/kernel is only a link into the kernel cache: the cache stays.
	rm -rf $(FUZZ_BUILD)/bin $(FUZZ_BUILD)/obj
	for b in build build-san $(BUILD); do \
		rm -rf $$b/bin $$b/obj $$b/gen $$b/bpf $$b/libktstr.a $$b/tmp $$b/deb $$b/ktstr_*.deb; \
		rm -f $$b/kernel; rmdir $$b 2>/dev/null || true; \
	done

.PHONY: all check check-headers demo bench deps kernel kernel-debug kernel-61 schedulers rust-schedulers install deb clean
.DELETE_ON_ERROR:
