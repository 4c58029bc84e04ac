// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_layout.c - our wire structs against the system's, field by field,
 * and the byte-swap layouts against the structs.
 */
#include <stdio.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "fuse_proto/fuse_optable.h"
#include "tests/fuse_proto/layout_fields.h"
#include "tests/harness.h"

#define OUR_S(s)    { #s, "", 0, sizeof(struct s) },
#define OUR_F(s, f) { #s, #f, offsetof(struct s, f), LAYOUT_FIELD_SIZE(s, f) },

static const struct layout_row our_rows[] = { LAYOUT_ROWS_ALL(OUR_S, OUR_F) };
#define NOUR (sizeof(our_rows) / sizeof(our_rows[0]))

/* The fields newer than FUSE_KERNEL_MINOR_VERSION that we carry (INIT's
 * reply of 7.43): compared only with a system that has them. */
static const struct layout_row rows_43[] = { LAYOUT_ROWS_43(OUR_S, OUR_F) };
#define NROWS_43 (sizeof(rows_43) / sizeof(rows_43[0]))

static const struct layout_row *find_ours(const char *s, const char *f)
{
	for (size_t i = 0; i < NOUR; i++)
		if (!strcmp(our_rows[i].sname, s) &&
		    !strcmp(our_rows[i].field, f))
			return &our_rows[i];
	return NULL;
}

static void test_matches_system_fuse_h(void)
{
	size_t compared = 0;

	if (fuse_sys_minor < 0) {
		vt_skip("<linux/fuse.h> is not installed: layouts not compared");
		return;
	}
	for (size_t i = 0; i < fuse_sys_nrows; i++) {
		const struct layout_row *sys = &fuse_sys_rows[i];
		const struct layout_row *our =
			find_ours(sys->sname, sys->field);

		CU_ASSERT_PTR_NOT_NULL_FATAL(our);
		if (our->offset != sys->offset || our->size != sys->size)
			fprintf(stderr,
				"layout: %s.%s ours %zu+%zu system %zu+%zu\n",
				sys->sname, sys->field, our->offset, our->size,
				sys->offset, sys->size);
		CU_ASSERT_EQUAL(our->offset, sys->offset);
		CU_ASSERT_EQUAL(our->size, sys->size);
		compared++;
	}
	/* Every row of ours is compared when the system speaks 7.38 too. */
	if (fuse_sys_minor >= FUSE_KERNEL_MINOR_VERSION &&
	    fuse_sys_have_virtio_fs) {
		CU_ASSERT_EQUAL(compared,
				NOUR - (fuse_sys_minor < 43 ? NROWS_43 : 0));
	} else {
		/* CI's cross toolchains (make test-arm64, test-s390x) carry
		 * 7.37 headers: the fields they have are compared above */
		vt_skip_ci_ok("system headers older than 7.38: newer fields "
			      "not compared");
	}
	CU_ASSERT(compared > 250 || fuse_sys_minor < FUSE_KERNEL_MINOR_VERSION);
}

static void test_virtio_fs_config(void)
{
	CU_ASSERT_EQUAL(sizeof(struct virtio_fs_config), 40);
	CU_ASSERT_EQUAL(offsetof(struct virtio_fs_config, num_request_queues),
			36);
	CU_ASSERT_EQUAL(sizeof(((struct virtio_fs_config *)0)->tag),
			VIRTIO_FS_TAG_LEN);
	if (!fuse_sys_have_virtio_fs)
		vt_skip("<linux/virtio_fs.h> is not installed");
}

static void test_seed_constants(void)
{
	CU_ASSERT_EQUAL(FUSE_SETUPMAPPING, 48);
	CU_ASSERT_EQUAL(FUSE_REMOVEMAPPING, 49);
	CU_ASSERT_EQUAL(FUSE_SYNCFS, 50);
	CU_ASSERT_EQUAL(CUSE_INIT, 4096);
	CU_ASSERT_EQUAL(CUSE_INIT_BSWAP_RESERVED, (uint32_t)CUSE_INIT << 8);
	CU_ASSERT_EQUAL(FUSE_INIT_BSWAP_RESERVED, (uint32_t)FUSE_INIT << 24);
	CU_ASSERT_EQUAL(CUSE_INIT_BSWAP_RESERVED, 1048576);
	CU_ASSERT_EQUAL(FUSE_INIT_BSWAP_RESERVED, 436207616);
	CU_ASSERT_EQUAL(__builtin_bswap32(FUSE_INIT), FUSE_INIT_BSWAP_RESERVED);
	CU_ASSERT_EQUAL(FUSE_MAP_ALIGNMENT, 1 << 26);
	CU_ASSERT_EQUAL(FUSE_KERNEL_VERSION, 7);
	CU_ASSERT_EQUAL(FUSE_KERNEL_MINOR_VERSION, 38);
	CU_ASSERT_EQUAL(FUSE_ROOT_ID, 1);
	CU_ASSERT_EQUAL(FUSE_MIN_READ_BUFFER, 8192);
	CU_ASSERT_EQUAL(FUSE_NAME_OFFSET, 24);
	CU_ASSERT_EQUAL(FUSE_NAME_OFFSET_DIRENTPLUS, 152);
	CU_ASSERT_EQUAL(FUSE_DIRENT_ALIGN(25), 32);
	CU_ASSERT_EQUAL(FUSE_DIRENT_ALIGN(24), 24);
}

static void test_dirent_size_macros(void)
{
	struct fuse_dirent d = { .namelen = 1 };
	struct fuse_direntplus dp = { .dirent.namelen = 9 };

	CU_ASSERT_EQUAL(FUSE_DIRENT_SIZE(&d), 32);
	d.namelen = 8;
	CU_ASSERT_EQUAL(FUSE_DIRENT_SIZE(&d), 32);
	d.namelen = 9;
	CU_ASSERT_EQUAL(FUSE_DIRENT_SIZE(&d), 40);
	CU_ASSERT_EQUAL(FUSE_DIRENTPLUS_SIZE(&dp), 168);
}

/* A layout string must cover its struct exactly, and put a field boundary
 * at every field offset our header has. */
static void test_swap_layouts_match_structs(void)
{
	size_t n = 0;

	for (const struct fuse_layout *l = fuse_layouts; l->name; l++, n++) {
		size_t off = 0;
		char bounds[512] = { 0 };

		CU_ASSERT_EQUAL_FATAL(fuse_layout_size(l->layout), l->size);
		for (const char *c = l->layout; *c; c++) {
			bounds[off] = 1;
			off += (size_t)(*c - '0');
		}
		for (size_t i = 0; i < NOUR; i++) {
			if (strcmp(our_rows[i].sname, l->name) ||
			    !our_rows[i].field[0])
				continue;
			if (!bounds[our_rows[i].offset])
				fprintf(stderr, "layout %s.%s: no boundary\n",
					l->name, our_rows[i].field);
			CU_ASSERT(bounds[our_rows[i].offset]);
		}
	}
	/* Every struct has a layout but virtio_fs_config, which is
	 * little-endian whatever the peer. */
	for (size_t i = 0; i < NOUR; i++) {
		const struct fuse_layout *l = fuse_layouts;

		if (our_rows[i].field[0] ||
		    !strcmp(our_rows[i].sname, "virtio_fs_config"))
			continue;
		while (l->name && strcmp(l->name, our_rows[i].sname))
			l++;
		CU_ASSERT_PTR_NOT_NULL(l->name);
		n--;
	}
	CU_ASSERT_EQUAL(n, 0);
}

VT_SUITE(fuse_proto_layout, NULL, NULL, VT_CASE(test_matches_system_fuse_h),
	 VT_CASE(test_virtio_fs_config), VT_CASE(test_seed_constants),
	 VT_CASE(test_dirent_size_macros),
	 VT_CASE(test_swap_layouts_match_structs));
