# libFuzzer harnesses (tests/fuzz/NAME.c) of every parser that takes guest or
# user bytes, built with clang-19 under ASan and UBSan into build-fuzz/.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ='stackx events']
#       fuzz each harness for FUZZ_SECONDS from its seeds (the tests'
#       fixtures) and its saved corpus; a finding is written to
#       build-fuzz/crashes/NAME/ and fails the target. The last lines report
#       each harness's executions and coverage.
#   make fuzz-build    only build them (tests/fuzz/replay.t does, for CI)
#
# A harness links its tool's sources but main.c (FUZZ_TOOL_NAME), and lib/.

FUZZ_BUILD   := build-fuzz
FUZZ_CC      := clang-19
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -D_GNU_SOURCE -Ilib -Itests/fuzz -I$(FUZZ_BUILD)/gen $(FUZZ_SAN) \
                -fsanitize=fuzzer-no-link -DKTSTR_VERSION='"$(VERSION)"'
FUZZ_SECONDS ?= 60
FUZZ_ALL     := $(basename $(notdir $(filter-out tests/fuzz/fuzz.c,$(wildcard tests/fuzz/*.c))))
FUZZ         ?= $(FUZZ_ALL)

# The tool each harness takes its sources from, and the files it starts from.
FUZZ_TOOL_stackx   := ktstr-stackx
FUZZ_SEEDS_stackx  := $(wildcard tests/ktstr-stackx/*.in tests/ktstr-stackx/*.log tests/ktstr-tail/*.com1)
FUZZ_TOOL_scenario :=
FUZZ_SEEDS_scenario := $(wildcard tests/scenarios/*.yaml tests/external/scenarios/*.yaml tests/ktstr-boot/*.yaml)
FUZZ_TOOL_channel  :=
FUZZ_SEEDS_channel := $(wildcard tests/fuzz/seeds/channel/*)
FUZZ_TOOL_events   := ktstr-stitch
FUZZ_SEEDS_events  := $(wildcard tests/ktstr-stitch/*.in tests/ktstr-probe/fixtures/*.events.jsonl)
FUZZ_DEFS_events   := -DFUZZ_TARGETS='"$(abspath tests/ktstr-stitch/targets.jsonl)"'
FUZZ_TOOL_targets  := ktstr-stitch
FUZZ_SEEDS_targets := $(wildcard tests/ktstr-stitch/*.jsonl tests/ktstr-probe/fixtures/*.targets.jsonl)
FUZZ_TOOL_conv     := ktstr-probe
FUZZ_SEEDS_conv    := $(wildcard tests/ktstr-probe/fixtures/*.agent.out)
FUZZ_DEFS_conv     := -DFUZZ_TARGETS='"$(abspath tests/ktstr-probe/fixtures/real.targets.jsonl)"'
# Whole real streams (360 KB) ran at ~3 executions a second: inputs are cut to
# 16 KB (still hundreds of frames of every kind), which runs ~50 times faster.
FUZZ_OPTS_conv     := -max_len=16384
FUZZ_TOOL_tail     := ktstr-tail
FUZZ_SEEDS_tail    := $(wildcard tests/ktstr-tail/*.in tests/ktstr-tail/*.com1 tests/ktstr-tail/*.com2)
FUZZ_TOOL_bpfobj   := ktstr-btfres
FUZZ_SEEDS_bpfobj  := $(wildcard $(BUILD)/bpf/*.bpf.o $(BUILD)/bpf/*/*.bpf.o)

FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_BUILD)/obj/tests/fuzz/fuzz.o

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(dir $<) -MMD -MP -c $< -o $@

define fuzz_harness
FUZZ_OBJS_$(1) := $(FUZZ_BUILD)/obj/tests/fuzz/$(1).o \
	$(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(filter-out %/main.c,$(if $(FUZZ_TOOL_$(1)),$(wildcard tools/$(FUZZ_TOOL_$(1))/*.c))))
$(FUZZ_BUILD)/obj/tests/fuzz/$(1).o: tests/fuzz/$(1).c
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_DEFS_$(1)) $(if $(FUZZ_TOOL_$(1)),-Itools/$(FUZZ_TOOL_$(1))) -MMD -MP -c $$< -o $$@
$(FUZZ_BUILD)/bin/$(1): $$(FUZZ_OBJS_$(1)) $(FUZZ_LIB_OBJS)
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $(LDLIBS)
endef
$(foreach h,$(FUZZ_ALL),$(eval $(call fuzz_harness,$(h))))

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)

fuzz-build: $(addprefix $(FUZZ_BUILD)/bin/,$(FUZZ_ALL))

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh \
		$(foreach h,$(FUZZ),'$(h):$(FUZZ_OPTS_$(h)):$(FUZZ_SEEDS_$(h))')

.PHONY: fuzz fuzz-build

# The seed files of the harnesses in $(FUZZ), one a line (for replay.t).
fuzz-seeds:
	@$(foreach h,$(FUZZ),$(foreach f,$(FUZZ_SEEDS_$(h)),echo '$(f)';))
.PHONY: fuzz-seeds
