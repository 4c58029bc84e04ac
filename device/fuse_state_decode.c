// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_state_decode.c - check and decode a state (docs/state-format.md).
 *
 * Decoding touches nothing but its own output: the header is checked in
 * the order magic, version, sizes, checksum (so each corruption has its
 * own errno), then every section is parsed and the content cross-checked.
 * Only a state that passes all of it reaches the loader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/fuse_state_internal.h"
#include "sim/trace/host.h"

/* crc_table[k][b]: the CRC of byte b followed by k zero bytes, so eight
 * bytes are folded in at once ("slicing by 8"). */
static u32 crc_table[8][256];

static void crc_tables(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (u32 i = 0; i < 256; i++)
		for (int k = 1; k < 8; k++)
			crc_table[k][i] =
				crc_table[0][crc_table[k - 1][i] & 0xff] ^
				(crc_table[k - 1][i] >> 8);
}

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()): python3 -c
 * 'import zlib; print(zlib.crc32(data))' gives the same number. */
u32 fs_crc32(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!crc_table[0][1])
		crc_tables();
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		u32 lo = crc ^ ((u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 |
				(u32)p[3] << 24);

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		      crc_table[1][p[6]] ^ crc_table[0][p[7]];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void fs_decoded_free(struct fs_decoded *d)
{
	host_free(d->inodes);
	host_free(d->handles);
	host_free(d->locks);
	host_free(d->maps);
	memset(d, 0, sizeof(*d));
}

struct fs_inode_rec *fs_find_rec(const struct fs_decoded *d, u64 nodeid)
{
	size_t lo = 0, hi = d->ninodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->inodes[mid].nodeid == nodeid)
			return &d->inodes[mid];
		if (d->inodes[mid].nodeid < nodeid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A path is "/" or "/c1/c2/..." with components of 1..255 bytes, no NUL,
 * no "." or "..". */
static bool path_ok(const char *p, u32 len)
{
	u32 i = 1, start;

	if (!len || p[0] != '/')
		return false;
	if (len == 1)
		return true;
	while (i < len) {
		start = i;
		while (i < len && p[i] != '/') {
			if (!p[i])
				return false;
			i++;
		}
		if (i == start || i - start > MEMFS_NAME_MAX ||
		    (i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
		if (i < len && ++i == len)
			return false; /* trailing '/' */
	}
	return true;
}

/* Read a list section's count and check the records fill it exactly. */
static int list_count(const u8 *p, u32 len, size_t rec, size_t *count)
{
	u32 n;

	if (len < 4)
		return -EPROTO;
	n = fs_get32(p);
	if (rec && ((u64)len - 4) != (u64)n * rec)
		return -EPROTO;
	*count = n;
	return 0;
}

static int decode_session(struct fs_decoded *d, const u8 *p, u32 len)
{
	if (len != FS_SESSION_SIZE || p[0] > 1 || p[1] > 1 || p[2] || p[3] ||
	    fs_get64(p + 64))
		return -EPROTO;
	d->sess.initialized = p[0];
	d->sess.bswapped = p[1];
	d->sess.minor = fs_get32(p + 4);
	d->sess.flags = fs_get64(p + 8);
	d->sess.now_sec = (s64)fs_get64(p + 16);
	d->sess.now_nsec = fs_get32(p + 24);
	d->cfg.max_write = fs_get32(p + 28);
	d->cfg.max_pages = fs_get32(p + 32);
	d->cfg.map_alignment = fs_get32(p + 36);
	d->cfg.dax_window_size = fs_get64(p + 40);
	d->cfg.max_inodes = (u32)fs_get64(p + 48);
	if (fs_get64(p + 48) > 0xffffffffu)
		return -EPROTO;
	d->cfg.max_file_size = fs_get64(p + 56);
	d->info.initialized = d->sess.initialized;
	return 0;
}

static int decode_counters(struct fs_decoded *d, const u8 *p, u32 len)
{
	if (len != FS_COUNTERS_SIZE)
		return -EPROTO;
	d->next_nodeid = fs_get64(p);
	d->next_fh = fs_get64(p + 8);
	d->generation = fs_get64(p + 16);
	d->lock_generation = fs_get64(p + 24);
	return 0;
}

static int decode_inodes(struct fs_decoded *d, const u8 *p, u32 len)
{
	size_t fixed = d->version >= 2 ? 32 : 24;
	size_t n, off = 4;
	int err = list_count(p, len, 0, &n);

	if (err)
		return err;
	/* each record takes at least its fixed part: bound n before malloc */
	if (n > (len - 4) / fixed)
		return -EPROTO;
	d->inodes = host_calloc(n ? n : 1, sizeof(*d->inodes));
	for (size_t i = 0; i < n; i++) {
		struct fs_inode_rec *r = &d->inodes[i];

		if (len - off < fixed)
			return -EPROTO;
		r->nodeid = fs_get64(p + off);
		off += 8;
		if (d->version >= 2) {
			r->generation = fs_get64(p + off);
			off += 8;
		}
		r->nlookup = fs_get64(p + off);
		r->mode = fs_get32(p + off + 8);
		r->path_len = fs_get32(p + off + 12);
		off += 16;
		if (r->path_len > len - off)
			return -EPROTO;
		r->path = (const char *)p + off;
		off += r->path_len;
		if (r->path_len && !path_ok(r->path, r->path_len))
			return -EPROTO;
		d->ninodes++;
	}
	return off == len ? 0 : -EPROTO;
}

static int decode_handles(struct fs_decoded *d, const u8 *p, u32 len)
{
	size_t n;
	int err = list_count(p, len, FS_HANDLE_SIZE, &n);

	if (err)
		return err;
	d->handles = host_calloc(n ? n : 1, sizeof(*d->handles));
	for (size_t i = 0; i < n; i++) {
		const u8 *r = p + 4 + i * FS_HANDLE_SIZE;

		if (r[20] > 1 || r[21] || r[22] || r[23])
			return -EPROTO;
		d->handles[i] = (struct memfs_handle_info){
			.fh = fs_get64(r),
			.ino = fs_get64(r + 8),
			.flags = fs_get32(r + 16),
			.isdir = r[20],
		};
	}
	d->nhandles = n;
	return 0;
}

static int decode_locks(struct fs_decoded *d, const u8 *p, u32 len)
{
	size_t n;
	int err = list_count(p, len, FS_LOCK_SIZE, &n);

	if (err)
		return err;
	d->locks = host_calloc(n ? n : 1, sizeof(*d->locks));
	for (size_t i = 0; i < n; i++) {
		const u8 *r = p + 4 + i * FS_LOCK_SIZE;

		d->locks[i] = (struct posix_lock){
			.ino = fs_get64(r),
			.owner = fs_get64(r + 8),
			.start = fs_get64(r + 16),
			.end = fs_get64(r + 24),
			.pid = fs_get32(r + 32),
			.type = fs_get32(r + 36),
		};
	}
	d->nlocks = n;
	return 0;
}

static int decode_maps(struct fs_decoded *d, const u8 *p, u32 len)
{
	size_t n;
	int err = list_count(p, len, FS_DAX_SIZE, &n);

	if (err)
		return err;
	d->maps = host_calloc(n ? n : 1, sizeof(*d->maps));
	for (size_t i = 0; i < n; i++) {
		const u8 *r = p + 4 + i * FS_DAX_SIZE;

		if (fs_get32(r + 36))
			return -EPROTO;
		d->maps[i] = (struct dax_mapping){
			.moffset = fs_get64(r),
			.len = fs_get64(r + 8),
			.ino = fs_get64(r + 16),
			.foffset = fs_get64(r + 24),
			.flags = fs_get32(r + 32),
		};
	}
	d->nmaps = n;
	return 0;
}

static int decode_sections(struct fs_decoded *d, const u8 *body, u64 len)
{
	u32 seen = 0;
	u64 off = 0;

	while (off < len) {
		u32 type, slen;
		bool known;
		int err;

		if (len - off < FS_SEC_HDR)
			return -EPROTO;
		type = fs_get32(body + off);
		slen = fs_get32(body + off + 4);
		off += FS_SEC_HDR;
		if (slen > len - off)
			return -EPROTO;
		/* LOCKS and DAX came with version 2: unknown before */
		known = type >= FS_SEC_SESSION && type <= FS_SEC_DAX &&
			(type < FS_SEC_LOCKS || d->version >= 2);
		if (known && (seen & (1u << type)))
			return -EPROTO;
		if (known)
			seen |= 1u << type;
		switch (known ? type : 0) {
		case FS_SEC_SESSION:
			err = decode_session(d, body + off, slen);
			break;
		case FS_SEC_COUNTERS:
			err = decode_counters(d, body + off, slen);
			break;
		case FS_SEC_INODES:
			err = decode_inodes(d, body + off, slen);
			break;
		case FS_SEC_HANDLES:
			err = decode_handles(d, body + off, slen);
			break;
		case FS_SEC_LOCKS:
			err = decode_locks(d, body + off, slen);
			break;
		case FS_SEC_DAX:
			err = decode_maps(d, body + off, slen);
			break;
		default:
			/* a newer writer's optional section: skip it */
			d->info.skipped++;
			err = 0;
			break;
		}
		if (err)
			return err;
		off += slen;
	}
	for (u32 t = FS_SEC_SESSION; t <= FS_SEC_HANDLES; t++)
		if (!(seen & (1u << t)))
			return -EPROTO;
	return 0;
}

/* Two records with one path would be one inode: every path goes into an
 * open-addressing table by its hash, compared in full on a hash match. */
static bool has_duplicate_path(const struct fs_decoded *d)
{
	size_t size = 64, mask;
	const struct fs_inode_rec **tab;
	bool dup = false;

	while (size < 2 * d->ninodes)
		size *= 2;
	mask = size - 1;
	tab = host_calloc(size, sizeof(*tab));
	for (size_t i = 0; i < d->ninodes && !dup; i++) {
		const struct fs_inode_rec *r = &d->inodes[i];
		size_t j;

		if (!r->path_len)
			continue;
		j = fs_crc32(0, r->path, r->path_len) & mask;
		for (; tab[j]; j = (j + 1) & mask) {
			if (tab[j]->path_len == r->path_len &&
			    !memcmp(tab[j]->path, r->path, r->path_len)) {
				dup = true;
				break;
			}
		}
		tab[j] = r;
	}
	host_free(tab);
	return dup;
}

/* Cross-checks: ids ascending and below their counters, references. */
static int check_content(struct fs_decoded *d)
{
	struct fs_inode_rec *root;

	for (size_t i = 0; i < d->ninodes; i++) {
		struct fs_inode_rec *r = &d->inodes[i];
		u32 type = r->mode & S_IFMT;

		/* a lookup count beyond MEMFS_NLOOKUP_MAX: no session has it,
		 * and the next LOOKUP would wrap it */
		if (!r->nodeid || r->nodeid >= d->next_nodeid ||
		    (i && d->inodes[i - 1].nodeid >= r->nodeid) ||
		    (type != S_IFDIR && type != S_IFREG) ||
		    r->nlookup > MEMFS_NLOOKUP_MAX)
			return -EUCLEAN;
		d->info.unlinked += !r->path_len;
	}
	if (has_duplicate_path(d))
		return -EUCLEAN;
	root = fs_find_rec(d, MEMFS_ROOT_ID);
	if (!root || root->path_len != 1 || (root->mode & S_IFMT) != S_IFDIR)
		return -EUCLEAN;
	for (size_t i = 0; i < d->ninodes; i++)
		if (d->inodes[i].nodeid != MEMFS_ROOT_ID &&
		    d->inodes[i].path_len == 1)
			return -EUCLEAN;
	for (size_t i = 0; i < d->nhandles; i++) {
		struct memfs_handle_info *h = &d->handles[i];
		struct fs_inode_rec *r = fs_find_rec(d, h->ino);

		if (!h->fh || h->fh >= d->next_fh ||
		    (i && d->handles[i - 1].fh >= h->fh) || !r ||
		    ((r->mode & S_IFMT) == S_IFDIR) != h->isdir)
			return -EUCLEAN;
		r->nopen++;
		d->info.dir_handles += h->isdir;
	}
	for (size_t i = 0; i < d->nlocks; i++)
		if (!fs_find_rec(d, d->locks[i].ino))
			return -EUCLEAN;
	if (d->nmaps && !d->cfg.dax_window_size)
		return -EUCLEAN; /* mappings need a window */
	for (size_t i = 0; i < d->nmaps; i++) {
		struct fs_inode_rec *r = fs_find_rec(d, d->maps[i].ino);

		if (!r || (r->mode & S_IFMT) != S_IFREG)
			return -EUCLEAN;
		r->npin++;
	}
	d->info.inodes = d->ninodes;
	d->info.handles = d->nhandles - d->info.dir_handles;
	d->info.locks = d->nlocks;
	d->info.mappings = d->nmaps;
	return 0;
}

int fs_decode(const void *buf, size_t len, struct fs_decoded *d)
{
	const u8 *p = buf;
	u64 body_len;
	u32 crc;
	int err;

	memset(d, 0, sizeof(*d));
	if (!buf)
		return -EINVAL;
	if (len < FUSE_STATE_HEADER_SIZE)
		return -ENODATA;
	if (memcmp(p, FUSE_STATE_MAGIC, 8))
		return -ENOMSG;
	d->version = fs_get32(p + FS_HDR_VERSION);
	if (d->version < FUSE_STATE_VERSION_MIN ||
	    d->version > FUSE_STATE_VERSION)
		return -EPROTONOSUPPORT;
	if (fs_get32(p + FS_HDR_HDRLEN) != FUSE_STATE_HEADER_SIZE ||
	    fs_get32(p + FS_HDR_FLAGS))
		return -EPROTO;
	body_len = fs_get64(p + FS_HDR_BODYLEN);
	if (body_len > len - FUSE_STATE_HEADER_SIZE)
		return -ENODATA;
	if (body_len < len - FUSE_STATE_HEADER_SIZE)
		return -E2BIG;
	crc = fs_crc32(0, p, FS_HDR_CRC);
	crc = fs_crc32(crc, p + FUSE_STATE_HEADER_SIZE, body_len);
	if (crc != fs_get32(p + FS_HDR_CRC))
		return -EBADMSG;
	d->info.version = d->version;
	d->info.size = len;
	err = decode_sections(d, p + FUSE_STATE_HEADER_SIZE, body_len);
	if (!err)
		err = check_content(d);
	if (err)
		fs_decoded_free(d);
	return err;
}

int fuse_state_verify(const void *buf, size_t len, struct fuse_state_info *info)
{
	struct fs_decoded d;
	int err = fs_decode(buf, len, &d);

	if (err)
		return err;
	if (info)
		*info = d.info;
	fs_decoded_free(&d);
	return 0;
}
