// SPDX-License-Identifier: GPL-2.0
/*
 * The host-initiated map write: find the newest loaded map whose name ends
 * with a suffix (".bss" of the scheduler: it loads after any probe agent, so
 * its maps have the highest ids) and store a value at an offset of key 0.
 * Mmapable maps (global data) are written in place so other variables of the
 * same map are not clobbered by a read-modify-write.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "init.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int find_map(const char *suffix, struct bpf_map_info *best)
{
	__u32 id = 0;
	int best_fd = -ENOENT;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info;
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !ends_with(info.name, suffix)) {
			close(fd);
			continue;
		}
		if (best_fd >= 0)
			close(best_fd);
		best_fd = fd;
		*best = info;
	}
	return best_fd;
}

int map_write(const char *suffix, long offset, int size, uint64_t value, char *err, size_t errlen)
{
	struct bpf_map_info info;
	unsigned char buf[65536];
	__u32 key = 0;
	int fd, ret = 0;

	fd = find_map(suffix, &info);
	if (fd < 0) {
		snprintf(err, errlen, "no loaded BPF map name ends with '%s'", suffix);
		return -ENOENT;
	}
	if (offset < 0 || offset + size > (long)info.value_size) {
		snprintf(err, errlen, "offset %ld + %d is beyond map %s's value size %u", offset, size, info.name,
			 info.value_size);
		ret = -ERANGE;
		goto cleanup;
	}
	if (info.map_flags & BPF_F_MMAPABLE) {
		long page = sysconf(_SC_PAGESIZE);
		size_t len = ((size_t)info.value_size * info.max_entries + page - 1) / page * page;
		unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (m == MAP_FAILED) {
			ret = -errno;
			snprintf(err, errlen, "mmap of map %s: %s", info.name, strerror(errno));
			goto cleanup;
		}
		switch (size) {
		case 1: *(volatile uint8_t *)(m + offset) = (uint8_t)value; break;
		case 2: *(volatile uint16_t *)(m + offset) = (uint16_t)value; break;
		case 4: *(volatile uint32_t *)(m + offset) = (uint32_t)value; break;
		default: *(volatile uint64_t *)(m + offset) = value; break;
		}
		munmap(m, len);
	} else {
		if (info.value_size > sizeof(buf)) {
			snprintf(err, errlen, "map %s's value is too large (%u bytes)", info.name, info.value_size);
			ret = -E2BIG;
			goto cleanup;
		}
		if (bpf_map_lookup_elem(fd, &key, buf) ||
		    (memcpy(buf + offset, &value, size), bpf_map_update_elem(fd, &key, buf, BPF_ANY))) {
			ret = -errno;
			snprintf(err, errlen, "update of map %s: %s", info.name, strerror(errno));
			goto cleanup;
		}
	}
	snprintf(err, errlen, "map=%s id=%u offset=%ld size=%d value=%" PRIu64, info.name, info.id, offset, size,
		 value);
cleanup:
	close(fd);
	return ret;
}
