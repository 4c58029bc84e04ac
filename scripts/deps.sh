#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deps.sh PROFILE: make sure the tools a make target needs are installed.
#
#   test   CUnit, Valgrind, lcov, Doxygen, Graphviz, mscgen, python3, sparse,
#          libedit (the console's line editing), QEMU 7.2's C virtiofsd
#          (/usr/lib/qemu/virtiofsd, package qemu-system-common: the
#          library's back-end test) (what `make test`, `make check`,
#          `make coverage` and `make docs` use)
#   fuzz   the above plus clang and its libFuzzer runtime
#   cross-ARCH  the above plus Debian's cross compiler for ARCH (arm64 or
#          s390x), qemu-user, and CUnit for ARCH from Debian's multiarch
#          packages (`make test-arm64`, `make test-s390x`); adds ARCH to
#          dpkg's architectures when it is not there yet
#   kernel the above plus what make test-kernel and make test-fuse use:
#          QEMU (x86 system emulator), busybox-static, kmod (depmod), cpio,
#          util-linux's flock, fuse3 (fusermount3 for mounts without root)
#   backends the test profile (virtiofsd is in it), what make
#          test-backends drives
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
need_cmd sparse sparse
need_file /usr/include/editline/readline.h libedit-dev
# the library's back-end test drives QEMU's C virtiofsd (lib_api_ops)
need_file /usr/lib/qemu/virtiofsd qemu-system-common

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

case $profile in
test | fuzz | backends) ;;
kernel)
	need_cmd qemu-system-x86_64 qemu-system-x86
	need_file /bin/busybox busybox-static
	need_cmd depmod kmod
	need_cmd cpio cpio
	need_cmd flock util-linux
	need_cmd fusermount3 fuse3
	need_cmd file file
	;;
cross-arm64 | cross-s390x)
	arch=${profile#cross-}
	case $arch in
	arm64) triplet=aarch64-linux-gnu qemu=qemu-aarch64 ;;
	s390x) triplet=s390x-linux-gnu qemu=qemu-s390x ;;
	esac
	need_cmd "$triplet-gcc" "gcc-$triplet"
	need_file "/usr/$triplet/include/stdio.h" "libc6-dev-$arch-cross"
	need_cmd "$qemu" qemu-user
	need_file "/usr/lib/$triplet/libcunit.so" "libcunit1-dev:$arch"
	;;
*)
	echo "deps.sh: unknown profile '$profile' (test, fuzz, backends, kernel, cross-arm64, cross-s390x)" >&2
	exit 2
	;;
esac

# Unique, stable order.
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

foreign=$(printf '%s\n' "${missing[@]}" | sed -n 's/.*:\(.*\)/\1/p' | sort -u)

if [ "$(id -u)" -ne 0 ]; then
	add=""
	for arch in $foreign; do
		add+="sudo dpkg --add-architecture $arch && "
	done
	[ -z "$add" ] || add+="sudo apt-get update && "
	echo "vfsim: missing packages; install them with: ${add}sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "vfsim: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages of another architecture (name:arch) need it known to dpkg.
for arch in $foreign; do
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		dpkg --add-architecture "$arch"
	fi
done
# Another apt run on the same machine holds the lock for a while: wait.
apt_opts=(-o DPkg::Lock::Timeout=600)
apt-get "${apt_opts[@]}" update -qq >/dev/null
apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "vfsim: installed ${missing[*]}" >&2
