// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include <yaml.h>	/* lib/yaml.h, then libyaml's */

/* Scenario files are small; refuse anything huge before libyaml sees it. */
#define YAML_MAX_BYTES (4u << 20)
/* Bound nesting so a hostile file cannot exhaust the stack. */
#define YAML_MAX_DEPTH 64
/*
 * Aliases are expanded into copies, so a few lines of anchors can stand for
 * billions of nodes ("billion laughs"): bound the expanded tree instead.
 */
#define YAML_MAX_NODES 100000

static void seterr(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void seterr(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return;
	n = snprintf(err, errlen, "%s:%d: ", name, line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

void ynode__free(struct ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++) {
		ynode__free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->key_lines);
	free(n->scalar);
	free(n);
}

struct conv {
	yaml_document_t *doc;
	const char *name;
	char *err;
	size_t errlen;
	size_t nodes;		/* converted so far, aliases expanded */
};

static int convert(struct conv *c, yaml_node_t *yn, int depth, struct ynode **out)
{
	struct ynode *n;
	int err = 0;

	if (depth > YAML_MAX_DEPTH) {
		seterr(c->err, c->errlen, c->name, (int)yn->start_mark.line + 1, "nesting deeper than %d levels",
		       YAML_MAX_DEPTH);
		return -EINVAL;
	}
	if (++c->nodes > YAML_MAX_NODES) {
		seterr(c->err, c->errlen, c->name, (int)yn->start_mark.line + 1,
		       "more than %d nodes once aliases are expanded", YAML_MAX_NODES);
		return -EINVAL;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->line = (int)yn->start_mark.line + 1;

	switch (yn->type) {
	case YAML_SCALAR_NODE:
		n->type = YNODE_SCALAR;
		n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->scalar = strndup((const char *)yn->data.scalar.value, yn->data.scalar.length);
		if (!n->scalar)
			err = -ENOMEM;
		break;
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *it;
		size_t cnt = yn->data.sequence.items.top - yn->data.sequence.items.start;

		n->type = YNODE_SEQ;
		n->items = calloc(cnt ? cnt : 1, sizeof(*n->items));
		if (!n->items) {
			err = -ENOMEM;
			break;
		}
		for (it = yn->data.sequence.items.start; it < yn->data.sequence.items.top; it++) {
			err = convert(c, yaml_document_get_node(c->doc, *it), depth + 1, &n->items[n->n]);
			if (err)
				break;
			n->n++;
		}
		break;
	}
	case YAML_MAPPING_NODE: {
		yaml_node_pair_t *p;
		size_t cnt = yn->data.mapping.pairs.top - yn->data.mapping.pairs.start, i;

		n->type = YNODE_MAP;
		n->items = calloc(cnt ? cnt : 1, sizeof(*n->items));
		n->keys = calloc(cnt ? cnt : 1, sizeof(*n->keys));
		n->key_lines = calloc(cnt ? cnt : 1, sizeof(*n->key_lines));
		if (!n->items || !n->keys || !n->key_lines) {
			err = -ENOMEM;
			break;
		}
		for (p = yn->data.mapping.pairs.start; p < yn->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
			int kline = (int)k->start_mark.line + 1;

			if (k->type != YAML_SCALAR_NODE) {
				seterr(c->err, c->errlen, c->name, kline, "mapping keys must be plain words");
				err = -EINVAL;
				break;
			}
			n->keys[n->n] = strndup((const char *)k->data.scalar.value, k->data.scalar.length);
			if (!n->keys[n->n]) {
				err = -ENOMEM;
				break;
			}
			n->key_lines[n->n] = kline;
			for (i = 0; i < n->n; i++) {
				if (!strcmp(n->keys[i], n->keys[n->n])) {
					seterr(c->err, c->errlen, c->name, kline, "duplicate key '%s' (first on line %d)",
					       n->keys[i], n->key_lines[i]);
					err = -EINVAL;
					break;
				}
			}
			if (err) {
				free(n->keys[n->n]);
				n->keys[n->n] = NULL;
				break;
			}
			err = convert(c, yaml_document_get_node(c->doc, p->value), depth + 1, &n->items[n->n]);
			if (err) {
				free(n->keys[n->n]);
				n->keys[n->n] = NULL;
				break;
			}
			n->n++;
		}
		break;
	}
	default:
		seterr(c->err, c->errlen, c->name, n->line, "unsupported YAML node");
		err = -EINVAL;
	}
	if (err) {
		ynode__free(n);
		return err;
	}
	*out = n;
	return 0;
}

int yaml__load_buf(const char *name, const char *buf, size_t len, struct ynode **root,
		   char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *top;
	struct conv c = { .doc = &doc, .name = name, .err = err, .errlen = errlen };
	int ret = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		/* problem_mark is where libyaml gave up: the line a human should look at. */
		seterr(err, errlen, name, (int)parser.problem_mark.line + 1, "YAML syntax error: %s%s%s",
		       parser.problem ? parser.problem : "malformed document",
		       parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	top = yaml_document_get_root_node(&doc);
	if (top)
		ret = convert(&c, top, 0, root);
	yaml_document_delete(&doc);
	/* A second document (after ---) would be silently ignored: say so instead. */
	if (!ret && !yaml_parser_load(&parser, &doc)) {
		seterr(err, errlen, name, (int)parser.problem_mark.line + 1, "YAML syntax error: %s%s%s",
		       parser.problem ? parser.problem : "malformed document",
		       parser.context ? " " : "", parser.context ? parser.context : "");
		ret = -EINVAL;
	} else if (!ret) {
		top = yaml_document_get_root_node(&doc);
		/* A bare trailing --- makes an empty document: harmless. */
		if (top && !(top->type == YAML_SCALAR_NODE && !top->data.scalar.length)) {
			seterr(err, errlen, name, (int)top->start_mark.line + 1,
			       "a second YAML document; a file holds one scenario");
			ret = -EINVAL;
		}
		yaml_document_delete(&doc);
	}
	if (ret) {
		ynode__free(*root);
		*root = NULL;
	}
	yaml_parser_delete(&parser);
	return ret;
}

int yaml__load_file(const char *path, struct ynode **root, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	*root = NULL;
	ret = file__read_all(path, YAML_MAX_BYTES, &buf, &len);
	if (ret) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path,
				 ret == -EFBIG ? "file too large" : strerror(-ret));
		return ret;
	}
	if (memchr(buf, '\0', len)) {
		seterr(err, errlen, path, 1, "file contains NUL bytes (not YAML text)");
		free(buf);
		return -EINVAL;
	}
	ret = yaml__load_buf(path, buf, len, root, err, errlen);
	free(buf);
	return ret;
}

struct ynode *ynode__get(const struct ynode *map, const char *key)
{
	size_t i;

	if (!map || map->type != YNODE_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return map->items[i];
	return NULL;
}

const char *ynode__type_name(const struct ynode *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case YNODE_SCALAR:
		return "a scalar";
	case YNODE_SEQ:
		return "a list";
	case YNODE_MAP:
		return "a mapping";
	}
	return "?";
}
