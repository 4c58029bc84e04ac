#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deps.sh PROFILE: make sure the tools a make target needs are installed.
#
#   test   CUnit, Valgrind, lcov, Doxygen, Graphviz, mscgen, python3 (what `make test`,
#          `make check`, `make coverage` and `make docs` use)
#   fuzz   the above plus clang and its libFuzzer runtime
#   kernel the above plus what make test-kernel and make test-fuse use:
#          QEMU (x86 system emulator), busybox-static, kmod (depmod), cpio,
#          util-linux's flock, fuse3 (fusermount3 for mounts without root)
#
# Installs what is missing with apt-get when run as root; otherwise prints
# one line naming the packages to install and fails.
set -euo pipefail

profile=${1:-test}
missing=()

need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_file() { [ -e "$1" ] || missing+=("$2"); }

need_cmd gcc gcc
need_cmd make make
need_file /usr/include/CUnit/Basic.h libcunit1-dev
need_cmd valgrind valgrind
need_cmd lcov lcov
need_cmd genhtml lcov
need_cmd doxygen doxygen
need_cmd dot graphviz
need_cmd mscgen mscgen
need_cmd pkg-config pkg-config
need_cmd python3 python3

if [ "$profile" = fuzz ]; then
	need_cmd clang clang
	if command -v clang >/dev/null 2>&1; then
		rt=$(clang -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-x86_64.a
		if [ ! -e "$rt" ]; then
			ver=$(clang -dumpversion | cut -d. -f1)
			missing+=("libclang-rt-${ver}-dev")
		fi
	fi
fi

if [ "$profile" = kernel ]; then
	need_cmd qemu-system-x86_64 qemu-system-x86
	need_file /bin/busybox busybox-static
	need_cmd depmod kmod
	need_cmd cpio cpio
	need_cmd flock util-linux
	need_cmd fusermount3 fuse3
	need_cmd file file
fi

# Unique, stable order.
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -ne 0 ]; then
	echo "vfsim: missing packages; install them with: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "vfsim: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "vfsim: installed ${missing[*]}" >&2
