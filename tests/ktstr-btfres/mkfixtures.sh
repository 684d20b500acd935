#!/bin/sh
# Rebuild the committed fixtures of ktstr-btfres (run by hand, then commit):
#   fake-vmlinux   ELF with DWARF and .BTF (pahole -J) from fake-kernel.c
#   tiny.bpf.o     a struct_ops BPF object (BTF + line info) from tiny.bpf.c
set -eu
cd "$(dirname "$0")"
gcc -g -O1 -fno-inline -shared -fPIC -nostdlib -fdebug-prefix-map="$PWD"=. \
	-Wl,--build-id=sha1 fake-kernel.c -o fake-vmlinux
pahole -J fake-vmlinux 2>/dev/null
clang-19 -target bpf -O2 -g -fdebug-compilation-dir=. -c tiny.bpf.c -o tiny.raw.o
bpftool gen object tiny.bpf.o tiny.raw.o
rm -f tiny.raw.o
