#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-endian.sh FILE.c...: every access to a fixed-byte-order field goes
# through its conversion helper.
#
# The VIRTIO rings and config space are little endian and the migration
# stream's chunk lengths big endian whatever the host (fuse_proto/
# byteorder.h). sparse, the checker the kernel runs for the same purpose,
# sees __le16/__le32/__le64/__be32 as distinct ("bitwise") types, so a
# field read into a plain integer, assigned a plain integer or mixed with
# another order without le32_to_cpu(), cpu_to_le32() and friends is a
# warning here, and any warning fails the check.
#
# First a self-test: code that skips the helpers must be caught, and the
# same code with them must pass; otherwise the check itself is broken.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v sparse >/dev/null || {
	echo "check-endian: sparse is not installed (apt-get install sparse)" >&2
	exit 2
}

# sparse 0.6.4 (Debian 12) has no __has_include: the optional headers it
# guards (valgrind.h) are taken as absent, which changes no byte-order code.
# -Wno-*: warnings about other things than byte order, left to the compiler.
flags=(-std=gnu11 -I. -DVFSIM_VERSION='"check"' '-D__has_include(x)=0'
	-Wbitwise -Wno-override-init -Wno-non-pointer-null -Wno-cast-truncate)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/bad.c" <<'EOC'
#include "sim/virtio/virtio_ring.h"
static u16 avail_idx(const struct vring_avail *a) { return a->idx; }
static void set_len(struct vring_desc *d) { d->len = 16; }
static __be32 chunk_len(__le32 v) { return v; }
EOC
cat >"$tmp/good.c" <<'EOC'
#include "sim/virtio/virtio_ring.h"
static u16 avail_idx(const struct vring_avail *a) { return le16_to_cpu(a->idx); }
static void set_len(struct vring_desc *d) { d->len = cpu_to_le32(16); }
static __be32 chunk_len(__le32 v) { return cpu_to_be32(le32_to_cpu(v)); }
EOC
bad=$(sparse "${flags[@]}" "$tmp/bad.c" 2>&1 | grep -c 'warning: incorrect type' || true)
good=$(sparse "${flags[@]}" "$tmp/good.c" 2>&1 || true)
if [ "$bad" -ne 3 ] || [ -n "$good" ]; then
	echo "check-endian: self-test failed: sparse no longer tells a raw access" \
		"from a converted one (caught $bad of 3; clean code said: $good)" >&2
	exit 2
fi

# One file at a time: given several, sparse reads them as one program.
out=$(for f in "$@"; do sparse "${flags[@]}" "$f" 2>&1 || true; done)
if [ -n "$out" ]; then
	printf '%s\n' "$out" >&2
	echo "check-endian: fixed-byte-order fields accessed without a conversion" \
		"helper (fuse_proto/byteorder.h says which fields are which)" >&2
	exit 1
fi
echo "check-endian: $# files, every fixed-byte-order access converted"
