# ktstr-bpf-loader: the generic static loader for a bare BPF object
# scheduler (`scheduler: X.bpf.o`); no skeleton, no BPF of its own.
include bpf/build.mk

$(BPF_BUILD)/obj/bpf-loader.o: bpf/bpf-loader/main.c
	@mkdir -p $(@D)
	$(CC) $(LOADER_CFLAGS) -MMD -MP -c $< -o $@

$(BIN)/ktstr-bpf-loader: $(BPF_BUILD)/obj/bpf-loader.o $(LOADER_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LOADER_LDFLAGS) -o $@ $^ $(LOADER_LDLIBS)

-include $(BPF_BUILD)/obj/bpf-loader.d

all: $(BIN)/ktstr-bpf-loader
ALL += $(BIN)/ktstr-bpf-loader
