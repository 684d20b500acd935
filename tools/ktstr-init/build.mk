# ktstr-init runs as PID 1 in an initramfs: link it statically (libc, and
# libbpf with its own dependencies for the map write) so the image needs no
# loader or .so files. Sanitizer builds cannot link statically; ktstr-boot
# copies that variant's shared libraries into the image instead.
ifneq ($(SANITIZE),1)
ktstr-init_LDFLAGS := -static
endif
