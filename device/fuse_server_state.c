// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_server_state.c - the FUSE server's session state as the migration
 * code sees it (config, session, restore, exchange) and the set of broken
 * inodes: those whose state was lost in a migration, which every request
 * but the ones letting go of them is refused on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_server_internal.h"
#include "sim/trace/host.h"

/* --- state transfer ---------------------------------------------------- */

void fuse_server_get_config(const struct fuse_server *srv,
			    struct fuse_server_config *cfg)
{
	*cfg = srv->cfg;
}

void fuse_server_get_session(const struct fuse_server *srv,
			     struct fuse_server_session *s)
{
	*s = (struct fuse_server_session){
		.initialized = srv->initialized,
		.bswapped = srv->bswapped,
		.minor = srv->minor,
		.flags = srv->flags,
		.now_sec = srv->now.sec,
		.now_nsec = srv->now.nsec,
	};
}

int fuse_server_restore_session(struct fuse_server *srv,
				const struct fuse_server_session *s)
{
	u64 supported = FUSE_SERVER_INIT_FLAGS;

	if (srv->dax)
		supported |= FUSE_MAP_ALIGNMENT;
	if (s->now_nsec > 999999999u)
		return -EINVAL;
	if (s->initialized ? s->minor < FUSE_SERVER_MIN_MINOR ||
				     s->minor > FUSE_KERNEL_MINOR_VERSION ||
				     (s->flags & ~supported) :
			     s->bswapped || s->minor || s->flags)
		return -EINVAL;
	srv->initialized = s->initialized;
	srv->bswapped = s->bswapped;
	srv->minor = s->minor;
	srv->flags = s->flags;
	srv->now.sec = s->now_sec;
	srv->now.nsec = s->now_nsec;
	return 0;
}

void fuse_server_exchange(struct fuse_server *a, struct fuse_server *b)
{
	struct fuse_server tmp = *a;

	*a = *b;
	*b = tmp;
}

/* Index of the first broken nodeid >= @nodeid. */
static size_t broken_slot(const struct fuse_server *srv, u64 nodeid)
{
	size_t lo = 0, hi = srv->nbroken;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (srv->broken[mid] < nodeid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool fuse_server_is_broken(const struct fuse_server *srv, u64 nodeid)
{
	size_t i = broken_slot(srv, nodeid);

	return i < srv->nbroken && srv->broken[i] == nodeid;
}

size_t fuse_server_nr_broken(const struct fuse_server *srv)
{
	return srv->nbroken;
}

int fuse_server_mark_broken(struct fuse_server *srv, u64 nodeid)
{
	size_t i = broken_slot(srv, nodeid);

	if (i < srv->nbroken && srv->broken[i] == nodeid)
		return -EEXIST;
	if (srv->nbroken == srv->broken_cap) {
		srv->broken_cap = srv->broken_cap ? 2 * srv->broken_cap : 8;
		srv->broken = host_realloc(
			srv->broken, srv->broken_cap * sizeof(*srv->broken));
	}
	memmove(&srv->broken[i + 1], &srv->broken[i],
		(srv->nbroken - i) * sizeof(*srv->broken));
	srv->broken[i] = nodeid;
	srv->nbroken++;
	return 0;
}

/*
 * Does the request name a broken inode (fuse_server_mark_broken())?
 * Requests that only let go of it are allowed through.
 */
bool fs_names_broken(struct fuse_server *srv, const struct fuse_proto_req *in)
{
	u64 fh, ino;

	switch (in->opcode) {
	case FUSE_INIT:
	case FUSE_DESTROY:
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_INTERRUPT:
	case FUSE_NOTIFY_REPLY:
		return false;
	case FUSE_RENAME:
	case FUSE_RENAME2: {
		u64 newdir;

		/* newdir is the first field of both rename args */
		memcpy(&newdir, in->arg, sizeof(newdir));
		if (fuse_server_is_broken(srv, newdir))
			return true;
		break;
	}
	case FUSE_READ:
	case FUSE_WRITE:
	case FUSE_FLUSH:
	case FUSE_READDIR:
	case FUSE_GETLK:
	case FUSE_SETLK:
	case FUSE_SETLKW:
	case FUSE_SETUPMAPPING:
		/* the fh is the first field of each of these args */
		memcpy(&fh, in->arg, sizeof(fh));
		if (!memfs_fh_ino(srv->fs, fh, &ino) &&
		    fuse_server_is_broken(srv, ino))
			return true;
		break;
	default:
		break;
	}
	return fuse_server_is_broken(srv, in->hdr.nodeid);
}
