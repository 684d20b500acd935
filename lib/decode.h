/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoders of raw probe values into what a sched_ext developer reads:
 * cpumask ranges, DSQ names, enqueue flags, task flags and state, exit
 * kinds. The bit values are not hard-coded: they come from the "enums"
 * record of ktstr-btfres (the BTF enums of the kernel in use), so the same
 * binary decodes any kernel. Without that record the flag decoders print hex.
 */
#ifndef KTSTR_DECODE_H
#define KTSTR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "text.h"

enum decoder {
	DEC_HEX,	/* default: 0x... */
	DEC_PID,
	DEC_CPUMASK,
	DEC_DSQ_ID,
	DEC_ENQ_FLAGS,
	DEC_SCX_FLAGS,
	DEC_EXIT_KIND,
	DEC_SIGNED,
	DEC_UNSIGNED,
	DEC_BOOL,
	DEC_STRING,
	DEC_ERRNO,	/* a signed return: -4095..-1 also by name, "-22 (EINVAL)" */
	DEC_PTR,	/* a pointer: NULL, else 0x... */
};

/* "pid", "cpumask", ... → enum decoder; unknown or NULL names → DEC_HEX. */
enum decoder decoder__parse(const char *name);
const char *decoder__name(enum decoder d);

/* One named value of an enum. name points into the enums JSON (kept alive). */
struct decode_name {
	uint64_t value;
	const char *name;
};

/* A sub-field of a flags word: values inside mask are names, not bits. */
struct decode_field {
	uint64_t mask;
	struct decode_name *vals;
	size_t nvals;
};

/* Single-bit flags plus multi-bit fields, built from one BTF enum. */
struct decode_flagset {
	bool present;
	struct decode_name *bits;	/* sorted by value */
	size_t nbits;
	struct decode_field *fields;	/* sorted by mask */
	size_t nfields;
};

struct decode_tables {
	json_t *enums;			/* owned reference: names point into it */
	struct decode_flagset enq;	/* scx_enq_flags, prefix SCX_ENQ_ */
	struct decode_flagset ent;	/* scx_ent_flags, prefix SCX_TASK_ */
	bool have_dsq;			/* scx_dsq_id_flags */
	uint64_t dsq_builtin, dsq_local_on, dsq_cpu_mask;
	struct decode_name *dsq_names;	/* exact builtin ids: SCX_DSQ_GLOBAL ... */
	size_t ndsq_names;
	struct decode_name *exit_kinds;	/* scx_exit_kind, prefix SCX_EXIT_ */
	size_t nexit_kinds;
	unsigned nr_cpus;		/* cpumask bits shown; 0 = all */
};

/*
 * Build the tables from the "enums" object of the targets' first record
 * ({"scx_enq_flags":{"SCX_ENQ_WAKEUP":"0x1",...},...}); enums may be NULL
 * (no targets: hex output). Returns 0 or -EINVAL/-ENOMEM with err filled.
 */
int decode_tables__init(struct decode_tables *t, json_t *enums, char *err, size_t errlen);
void decode_tables__free(struct decode_tables *t);

/* Parse a raw value: JSON integer, "0x..." hex, decimal or "-N" string. */
int decode__u64(const json_t *v, uint64_t *out);

/* The individual decoders; each appends to out and returns 0 or -ENOMEM. */
int decode__cpumask(struct strbuf *out, const uint64_t *words, size_t nwords, unsigned nr_cpus);
int decode__dsq_id(struct strbuf *out, const struct decode_tables *t, uint64_t v);
int decode__flags(struct strbuf *out, const struct decode_flagset *fs, uint64_t v, unsigned size);
int decode__exit_kind(struct strbuf *out, const struct decode_tables *t, uint64_t v);
int decode__signed(struct strbuf *out, uint64_t v, unsigned size);

/*
 * Decode one value as found in an events record (string, integer, array of
 * words for cpumasks, null when the probe could not read it). size is the
 * field's size in bytes (0: 8). Malformed values are shown raw, never fail.
 */
int decode__value(struct strbuf *out, const struct decode_tables *t, enum decoder d,
		  const json_t *v, unsigned size);

/* True when the two raw values are the same (entry vs exit). */
bool decode__same(const json_t *a, const json_t *b);

#endif
