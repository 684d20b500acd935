/* SPDX-License-Identifier: GPL-2.0 */
/*
 * YAML documents as a small tree with line numbers, through libyaml: every
 * node remembers the line it starts on so callers can report "file:line: what".
 */
#ifndef KTSTR_YAML_H
#define KTSTR_YAML_H

#include <stdbool.h>
#include <stddef.h>
/*
 * This header shadows libyaml's <yaml.h> on the -Ilib path: pull the real one
 * in behind it. Include this file as <yaml.h> so the search continues past lib/.
 */
#include_next <yaml.h>

enum ynode_type { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
	enum ynode_type type;
	int line;		/* 1-based line where the node starts */
	char *scalar;		/* YNODE_SCALAR: the text (never NULL) */
	bool plain;		/* YNODE_SCALAR: unquoted (so `~`, `null` mean null) */
	size_t n;		/* YNODE_SEQ / YNODE_MAP: number of items */
	struct ynode **items;	/* sequence items, or map values */
	char **keys;		/* YNODE_MAP: the key of items[i] */
	int *key_lines;		/* YNODE_MAP: line of keys[i] */
};

/*
 * Parse the one document of path (a second one is an error). Returns 0 and
 * *root (NULL for an empty file), or a negative errno with err holding
 * "path:line: message". Map keys must be scalars and unique.
 */
int yaml__load_file(const char *path, struct ynode **root, char *err, size_t errlen);
/* The same from a buffer; name is used in messages. */
int yaml__load_buf(const char *name, const char *buf, size_t len, struct ynode **root,
		   char *err, size_t errlen);
void ynode__free(struct ynode *n);

/* The value of key in a map node, or NULL. */
struct ynode *ynode__get(const struct ynode *map, const char *key);
/* "scalar", "sequence" or "mapping": for messages. */
const char *ynode__type_name(const struct ynode *n);

#endif
