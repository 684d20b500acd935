// SPDX-License-Identifier: GPL-2.0
/* The baseline of bench/btfres.sh: parse a vmlinux's BTF with libbpf, nothing else. */
#include <stdio.h>
#include <bpf/btf.h>

int main(int argc, char **argv)
{
	struct btf *btf;

	if (argc != 2) {
		fprintf(stderr, "usage: btf_parse VMLINUX\n");
		return 2;
	}
	btf = btf__parse(argv[1], NULL);
	if (!btf) {
		perror(argv[1]);
		return 1;
	}
	printf("%u types\n", btf__type_cnt(btf));
	btf__free(btf);
	return 0;
}
