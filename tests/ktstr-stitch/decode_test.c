// SPDX-License-Identifier: GPL-2.0
/*
 * Value-by-value tests of lib/decode.c against the enum table of the real
 * kernel (line 1 of the targets file given as argv[1]). Built and run by
 * decode-unit.t. Prints one line per failure; exit 0 when all pass.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static int failures, checks;

static void expect(const char *what, struct strbuf *sb, const char *want)
{
	checks++;
	if (strcmp(sb->buf ? sb->buf : "", want)) {
		printf("FAIL %s: got '%s', want '%s'\n", what, sb->buf ? sb->buf : "", want);
		failures++;
	}
	strbuf__reset(sb);
}

static void t_value(const struct decode_tables *t, enum decoder d, const char *json,
		    unsigned size, const char *want)
{
	struct strbuf sb = { 0 };
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	char what[256];

	snprintf(what, sizeof(what), "%s(%s, size %u)", decoder__name(d), json, size);
	decode__value(&sb, t, d, v, size);
	expect(what, &sb, want);
	json_decref(v);
	strbuf__free(&sb);
}

static void t_mask(const uint64_t *w, size_t n, unsigned nr, const char *want)
{
	struct strbuf sb = { 0 };
	char what[64];

	snprintf(what, sizeof(what), "cpumask(%zu words, nr_cpus %u)", n, nr);
	decode__cpumask(&sb, w, n, nr);
	expect(what, &sb, want);
	strbuf__free(&sb);
}

int main(int argc, char **argv)
{
	struct decode_tables t, none;
	json_t *rec;
	char msg[256];
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: decode_test TARGETS\n");
		return 2;
	}
	rec = json_loadf(f, JSON_DISABLE_EOF_CHECK, NULL);
	fclose(f);
	if (!rec || decode_tables__init(&t, json_object_get(rec, "enums"), msg, sizeof(msg))) {
		fprintf(stderr, "cannot load enums: %s\n", msg);
		return 2;
	}
	decode_tables__init(&none, NULL, msg, sizeof(msg));

	/* decoder names */
	checks++;
	if (decoder__parse("dsq_id") != DEC_DSQ_ID || decoder__parse("nope") != DEC_HEX ||
	    decoder__parse(NULL) != DEC_HEX) {
		printf("FAIL decoder__parse\n");
		failures++;
	}

	/* cpumask: single word, ranges, multi-word, masking to nr_cpus */
	{
		uint64_t w1[] = { 0xf };
		uint64_t w2[] = { 0x33 };
		uint64_t w3[] = { 0x1, 0x1 };
		uint64_t w4[] = { 0xff, 0, 0, 0 };
		uint64_t w5[] = { 0, 0 };
		uint64_t w6[] = { 0x8000000000000001ULL, 0x3 };
		uint64_t w7[] = { 0x5 };
		uint64_t w8[] = { ~0ULL, ~0ULL };

		t_mask(w1, 1, 0, "0xf(0-3)");
		t_mask(w2, 1, 0, "0x33(0-1,4-5)");
		t_mask(w3, 2, 0, "0x10000000000000001(0,64)");
		t_mask(w4, 4, 4, "0xf(0-3)");
		t_mask(w4, 4, 0, "0xff(0-7)");
		t_mask(w5, 2, 0, "0x0(none)");
		t_mask(w6, 2, 0, "0x38000000000000001(0,63-65)");
		t_mask(w6, 2, 65, "0x18000000000000001(0,63-64)");
		t_mask(w7, 1, 0, "0x5(0,2)");
		t_mask(w8, 2, 70, "0x3fffffffffffffffff(0-69)");
		t_mask(w1, 1, 2, "0x3(0-1)");
		t_mask(w1, 1, 0, "0xf(0-3)");
	}
	t.nr_cpus = 4;
	t_value(&t, DEC_CPUMASK, "[\"0xff\",\"0x0\",\"0x0\",\"0x0\"]", 32, "0xf(0-3)");
	t_value(&t, DEC_CPUMASK, "\"0x2\"", 8, "0x2(1)");
	t_value(&t, DEC_CPUMASK, "[\"zz\"]", 8, "[\"zz\"]");
	t_value(&t, DEC_CPUMASK, "[]", 8, "[]");
	t.nr_cpus = 0;

	/* DSQ ids from scx_dsq_id_flags of this kernel */
	t_value(&t, DEC_DSQ_ID, "\"0x8000000000000000\"", 8, "SCX_DSQ_INVALID");
	t_value(&t, DEC_DSQ_ID, "\"0x8000000000000001\"", 8, "SCX_DSQ_GLOBAL");
	t_value(&t, DEC_DSQ_ID, "\"0x8000000000000002\"", 8, "SCX_DSQ_LOCAL");
	t_value(&t, DEC_DSQ_ID, "\"0x8000000000000003\"", 8, "SCX_DSQ_BYPASS");
	t_value(&t, DEC_DSQ_ID, "\"0xc000000000000000\"", 8, "SCX_DSQ_LOCAL_ON|0");
	t_value(&t, DEC_DSQ_ID, "\"0xc000000000000003\"", 8, "SCX_DSQ_LOCAL_ON|3");
	t_value(&t, DEC_DSQ_ID, "\"0x8000000000000fff\"", 8, "0x8000000000000fff");
	t_value(&t, DEC_DSQ_ID, "\"0x0\"", 8, "0");
	t_value(&t, DEC_DSQ_ID, "\"0x42\"", 8, "66");
	t_value(&t, DEC_DSQ_ID, "1234", 8, "1234");
	t_value(&none, DEC_DSQ_ID, "\"0x8000000000000002\"", 8, "0x8000000000000002");

	/* enq_flags: each bit of scx_enq_flags by name, combinations, unknown bits */
	t_value(&t, DEC_ENQ_FLAGS, "\"0x0\"", 8, "NONE");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x1\"", 8, "WAKEUP");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x10000\"", 8, "HEAD");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x100000\"", 8, "CPU_SELECTED");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x100000000\"", 8, "PREEMPT");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x200000000\"", 8, "IMMED");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x400000000\"", 8, "RESCUE");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x10000000000\"", 8, "REENQ");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x20000000000\"", 8, "LAST");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x100000000000000\"", 8, "CLEAR_OPSS");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x200000000000000\"", 8, "DSQ_PRIQ");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x400000000000000\"", 8, "NESTED");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x800000000000000\"", 8, "GDSQ_FALLBACK");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x1000000000000000\"", 8, "IGNORE_CAPS");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x2000000000000000\"", 8, "APPLY_SLICE");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x4000000000000000\"", 8, "SLICE_DFL");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x30000010001\"", 8, "WAKEUP|HEAD|REENQ|LAST");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x100010001\"", 8, "WAKEUP|HEAD|PREEMPT");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x3\"", 8, "WAKEUP|0x2");
	t_value(&t, DEC_ENQ_FLAGS, "\"0x100000001\"", 4, "WAKEUP");	/* an int param */
	t_value(&t, DEC_ENQ_FLAGS, "9", 8, "WAKEUP|0x8");
	t_value(&none, DEC_ENQ_FLAGS, "\"0x9\"", 8, "0x9");

	/* scx_flags: scx_ent_flags bits, then the task state and reenq reason */
	t_value(&t, DEC_SCX_FLAGS, "\"0x0\"", 4, "NONE");
	t_value(&t, DEC_SCX_FLAGS, "\"0x1\"", 4, "QUEUED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x2\"", 4, "IN_CUSTODY");
	t_value(&t, DEC_SCX_FLAGS, "\"0x4\"", 4, "RESET_RUNNABLE_AT");
	t_value(&t, DEC_SCX_FLAGS, "\"0x8\"", 4, "DEQD_FOR_SLEEP");
	t_value(&t, DEC_SCX_FLAGS, "\"0x10\"", 4, "SUB_INIT");
	t_value(&t, DEC_SCX_FLAGS, "\"0x20\"", 4, "IMMED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x40\"", 4, "PROTECTED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x80000000\"", 4, "CURSOR");
	t_value(&t, DEC_SCX_FLAGS, "\"0x100\"", 4, "INIT_BEGIN");
	t_value(&t, DEC_SCX_FLAGS, "\"0x200\"", 4, "INIT");
	t_value(&t, DEC_SCX_FLAGS, "\"0x300\"", 4, "READY");
	t_value(&t, DEC_SCX_FLAGS, "\"0x400\"", 4, "ENABLED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x500\"", 4, "DEAD");
	t_value(&t, DEC_SCX_FLAGS, "\"0x600\"", 4, "0x600");
	t_value(&t, DEC_SCX_FLAGS, "\"0x401\"", 4, "QUEUED|ENABLED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x409\"", 4, "QUEUED|DEQD_FOR_SLEEP|ENABLED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x1401\"", 4, "QUEUED|ENABLED|REENQ_KFUNC");
	t_value(&t, DEC_SCX_FLAGS, "\"0x2400\"", 4, "ENABLED|REENQ_IMMED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x3400\"", 4, "ENABLED|REENQ_PREEMPTED");
	t_value(&t, DEC_SCX_FLAGS, "\"0x4400\"", 4, "ENABLED|REENQ_CAP");
	t_value(&t, DEC_SCX_FLAGS, "\"0x10401\"", 4, "QUEUED|ENABLED|0x10000");

	/* exit kinds */
	t_value(&t, DEC_EXIT_KIND, "\"0x0\"", 4, "NONE");
	t_value(&t, DEC_EXIT_KIND, "\"0x1\"", 4, "DONE");
	t_value(&t, DEC_EXIT_KIND, "64", 4, "UNREG");
	t_value(&t, DEC_EXIT_KIND, "65", 4, "UNREG_BPF");
	t_value(&t, DEC_EXIT_KIND, "66", 4, "UNREG_KERN");
	t_value(&t, DEC_EXIT_KIND, "67", 4, "SYSRQ");
	t_value(&t, DEC_EXIT_KIND, "68", 4, "PARENT");
	t_value(&t, DEC_EXIT_KIND, "69", 4, "PARENT_KILL");
	t_value(&t, DEC_EXIT_KIND, "\"0x400\"", 4, "ERROR");
	t_value(&t, DEC_EXIT_KIND, "\"0x401\"", 4, "ERROR_BPF");
	t_value(&t, DEC_EXIT_KIND, "\"0x402\"", 4, "ERROR_STALL");
	t_value(&t, DEC_EXIT_KIND, "\"0x403\"", 4, "ERROR_REENQ");
	t_value(&t, DEC_EXIT_KIND, "\"0x404\"", 4, "ERROR_RESCUE");
	t_value(&t, DEC_EXIT_KIND, "\"0x405\"", 4, "1029");

	/* scalars */
	t_value(&t, DEC_SIGNED, "\"0xffffffff\"", 4, "-1");
	t_value(&t, DEC_SIGNED, "\"0xffffffff\"", 8, "4294967295");
	t_value(&t, DEC_SIGNED, "\"0xff\"", 1, "-1");
	t_value(&t, DEC_SIGNED, "\"0x8000\"", 2, "-32768");
	t_value(&t, DEC_SIGNED, "\"-5\"", 8, "-5");
	t_value(&t, DEC_SIGNED, "-5", 4, "-5");
	t_value(&t, DEC_PID, "\"0x61\"", 4, "97");
	t_value(&t, DEC_PID, "\"0x1\"", 4, "1");
	t_value(&t, DEC_UNSIGNED, "\"0x64\"", 4, "100");
	t_value(&t, DEC_UNSIGNED, "\"0x1312d00\"", 8, "20000000");
	t_value(&t, DEC_UNSIGNED, "\"0xffffffffffffffff\"", 8, "18446744073709551615");
	t_value(&t, DEC_UNSIGNED, "\"0x1ffffffff\"", 4, "4294967295");
	t_value(&t, DEC_HEX, "\"0xffff888003a8c000\"", 8, "0xffff888003a8c000");
	t_value(&t, DEC_HEX, "\"1\"", 8, "0x1");
	t_value(&t, DEC_BOOL, "\"0x0\"", 1, "false");
	t_value(&t, DEC_BOOL, "\"0x1\"", 1, "true");
	t_value(&t, DEC_BOOL, "true", 1, "true");
	t_value(&t, DEC_STRING, "\"worker\"", 16, "worker");
	t_value(&t, DEC_STRING, "\"a\\u001bb\"", 16, "a\\x1bb");

	/* malformed and missing values never fail */
	t_value(&t, DEC_PID, "null", 4, "?");
	t_value(&t, DEC_PID, "\"0x\"", 4, "\"0x\"");
	t_value(&t, DEC_PID, "\"0xzz\"", 4, "\"0xzz\"");
	t_value(&t, DEC_PID, "\"12abc\"", 4, "\"12abc\"");
	t_value(&t, DEC_PID, "{\"a\":1}", 4, "{\"a\":1}");
	t_value(&t, DEC_UNSIGNED, "\"0x1ffffffffffffffff\"", 8, "\"0x1ffffffffffffffff\"");
	t_value(&t, DEC_HEX, "\"\\u001b[31m\"", 8, "\"\\u001B[31m\"");
	{
		struct strbuf sb = { 0 };

		decode__value(&sb, &t, DEC_PID, NULL, 4);
		expect("absent value", &sb, "?");
		strbuf__free(&sb);
	}

	/* decode__same: the same number spelled differently is the same */
	{
		json_t *a = json_string("0x61"), *b = json_integer(97), *c = json_string("0x62");

		checks++;
		if (!decode__same(a, b) || decode__same(a, c) || decode__same(a, NULL)) {
			printf("FAIL decode__same\n");
			failures++;
		}
		json_decref(a);
		json_decref(b);
		json_decref(c);
	}

	decode_tables__free(&t);
	decode_tables__free(&none);
	json_decref(rec);
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
