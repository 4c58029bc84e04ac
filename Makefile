# SPDX-License-Identifier: GPL-2.0-only
#
# vfsim: one entry point for everything.
#
#   make            build build/libvfsim.a and build/vfsim (the program
#                   link-time optimised with GCC; LTO= turns that off)
#   make run        the guided tour (vfsim tour)
#   make test       install missing tools, build and run every CUnit suite,
#                   then the examples against the installed library and
#                   the man pages' check (make test T=suite runs only the
#                   suites whose name has "suite")
#   make check      the suites under Valgrind, then under ASan+UBSan, the
#                   clang-format check, check-endian and an install check
#   make coverage   gcov/lcov report in build/coverage/, >= 90% lines required
#   make docs       Doxygen HTML in build/docs/, warnings are errors
#   make reader     each driver variant's view of guest/ in build/reader/
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (default 30), their
#                   corpora seeded from the scenario set first
#   make bench      benchmarks and a table of figures and targets (printed
#                   numbers, never pass/fail on time)
#   make bench-compare A=REV B=REV  two builds' round trip, turn about
#   make test-arm64 the suite cross-built for aarch64, run under qemu-aarch64
#   make test-s390x the same for s390x, a big-endian host
#   make check-endian  sparse checks every fixed-byte-order access
#   SWITCH=portable (with any target) the portable context switch, in
#                   build/portable/ (without link-time optimisation)
#   make test-kernel  Debian's Linux kernel under QEMU against vfsim serve
#                   (root; docs/real-kernel.md)
#   make test-fuse  vfsim serve --fuse: a shell workload and fsx-style random
#                   I/O against a reference model (root)
#   make test-backends  the guest model against QEMU's virtiofsd and vfsim
#                   serve over vhost-user (root; docs/real-backends.md)
#   make lab LAB=DIR ANSWER=FILE.c  a C lab's vfsim with the answer built in
#   make labs-dist  the students' tree, without the reference solutions
#   make install    PREFIX=/usr/local DESTDIR=: the program, libvfsim.a,
#                   <vfsim/vfsim.h>, vfsim.pc and the man pages
#   make examples   examples/*.c built against the library installed in a
#                   scratch prefix, with pkg-config, and run (make test
#                   runs it)
#   make format     rewrite sources with clang-format
#   make clean
#
# Sources are found by directory, so adding a file never means editing this
# Makefile: library code in fuse_proto/ sim/ guest/ device/ sim/cli/, test
# suites in tests/**/*.c (each registers itself, see tests/harness.h), fuzz
# targets in tests/fuzz/fuzz_*.c, benchmarks in tests/bench/bench_*.c.

VERSION := 0.1.0

# Builds run in parallel, one job per CPU, unless the command line says
# otherwise (make -j1, make -j4: a -j given there wins). Sub-makes share
# the top one's jobs.
NPROC := $(shell nproc 2>/dev/null || echo 2)
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(NPROC)
endif

# The test binaries run their suites in this many processes at once
# (vfsim-tests -j N, tests/harness.c); TEST_JOBS=1 runs them in one.
TEST_JOBS ?= $(NPROC)

# Recipes use bash features (PIPESTATUS, pipefail).
SHELL := /bin/bash

# SWITCH=portable builds the portable context switch (POSIX ucontext and
# _setjmp/_longjmp, sim/kernel/task_switch_portable.c) instead of the
# architecture's assembly, in a build tree of its own. Architectures with
# no assembly switch get the portable one without being asked.
SWITCH ?=
ifeq ($(SWITCH),portable)
BUILD   ?= build/portable
SWITCH_CPPFLAGS := -DVFSIM_SWITCH_PORTABLE=1
# a build that tests the switch, not one users run: no link-time
# optimisation to pay for (see LTO below)
LTO     ?=
else ifneq ($(SWITCH),)
$(error SWITCH=$(SWITCH): the only choice is SWITCH=portable; leave it unset for the architecture's own switch)
endif

CC      ?= gcc
# Tools run during the build (the guest-source embedder) are built for
# the machine doing the build, also when CC cross-compiles.
HOSTCC  ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
FUZZ_SECONDS ?= 30
# The guest variant make test-kernel compares the real driver with: the
# one closest to the booted kernel (docs/real-kernel.md).
KERNEL_VARIANT ?= 6.1

OPT      ?= -O2 -g
# Link-time optimisation of what users run: the vfsim program (make, make
# install) and the benchmarks (make bench). The library's objects are
# compiled once, as fat LTO objects (native code and GCC's intermediate
# language), and the program is linked from them with -flto: GCC inlines
# across the modules (the ring, the scheduler, the guest and the device
# call each other's small functions on every request): a tenth of the
# instructions of a round trip, a twentieth of a GETATTR of vfsim run
# (docs/architecture.md, "Sixth round").
# Everything else links their native code and pays nothing but the fat
# objects' compile: the test binary, the labs' builds, the tools, and
# libvfsim.a itself, which is the same objects with the intermediate
# language taken out (objcopy), so that a user's program links it with
# any toolchain, and a GCC of another version, whose intermediate
# language differs, neither chokes on it nor runs an LTO link unasked.
# Off (LTO=) for compilers other than GCC, SWITCH=portable, the
# cross-built, Valgrind, sanitizer and coverage builds.
CC_IS_GCC := $(shell printf '\043if defined(__GNUC__) && !defined(__clang__)\nyes\n\043endif\n' | \
	$(CC) -E -P -x c - 2>/dev/null | grep -qx yes && echo 1)
LTO      ?= $(if $(CC_IS_GCC),-flto=auto -ffat-lto-objects)
# the archiver that gives an archive of LTO objects its symbol index
# (through GCC's linker plugin), and the tool that strips their
# intermediate language
LTO_AR   ?= gcc-ar
OBJCOPY  ?= objcopy
WARN     := -Wall -Wextra -Werror -Wno-override-init
CSTD     := -std=gnu11
CPPFLAGS += -I. -DVFSIM_VERSION='"$(VERSION)"' $(SWITCH_CPPFLAGS) $(XCPPFLAGS)
CFLAGS   += $(CSTD) $(OPT) $(WARN) -MMD -MP
# The compile flags of the last build of $(BUILD) (written below, once
# every flag is known): every object depends on it, so a change of flags
# rebuilds them (a libedit installed after a first build turns
# VFSIM_HAVE_LIBEDIT on; objects built without it would stay).
FLAGS_STAMP := $(BUILD)/compile-flags
LDLIBS   += -lm

# Library: every module, the program's scenario engine included.
LIB_DIRS := fuse_proto sim/trace sim/kernel sim/virtio sim/vmm guest device sim/cli lib
LIB_SRCS := $(filter-out sim/cli/vfsim_main.c,$(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))))
# The API: <vfsim/vfsim.h> (and the topic headers it includes), the only
# headers installed; everything else of the tree is internal.
PUB_HDRS := $(sort $(wildcard include/vfsim/*.h))
# The guest sources, built into the program for the reader view
# (vfsim source, make reader): a C file generated from them.
GUEST_SRCS := $(sort $(wildcard guest/*.c guest/*.h))
EMBED      := $(BUILD)/tools/embed_sources
GEN_SRCS   := $(BUILD)/gen/guest_sources.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(GEN_SRCS:%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libvfsim.a
# The archive of the LTO objects the program and the benchmarks link
# (the library itself when LTO is off). Not compiled for LTO: the
# generated sources, a string table with nothing to optimise across,
# and the context switches, whose assembly defines symbols (ctx_switch)
# that GCC's LTO symbol table, and so gcc-ar's index, does not list.
LTO_LIB  := $(if $(LTO),$(BUILD)/lto/libvfsim.a,$(LIB))
LTO_SRCS := $(filter-out sim/kernel/task_switch_%,$(LIB_SRCS))
$(LTO_SRCS:%.c=$(BUILD)/obj/%.o): private OBJ_LTO := $(LTO)

PROG     := $(BUILD)/vfsim
# Made with the man pages (see make install).
MAN_STAMP := $(BUILD)/man/.made
PROG_OBJ := $(BUILD)/obj/sim/cli/vfsim_main.o

# Tests: one binary holding every suite.
TEST_SRCS := $(sort $(wildcard tests/*.c tests/*/*.c tests/*/*/*.c))
# tests/labs/ grades the labs with the vfsim program and labs/grade.sh
# (and holds the C labs' reference answers, built by make lab): nothing
# of the test binary's own build is under test there, so it is a binary
# of its own that make test runs once, not again under Valgrind, ASan,
# coverage or another architecture.
TEST_SRCS := $(filter-out tests/fuzz/% tests/bench/% tests/install/% tests/sweep/% tests/backends/% tests/labs/% tests/harness/%,$(TEST_SRCS))
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BIN  := $(BUILD)/vfsim-tests
TEST_LIBS := -lcunit
# (make labs-dist leaves tests/labs/ out: the students' make test has none;
# the labs build their own vfsim with the default switch, so a
# SWITCH=portable run does not grade them again)
LABS_TEST_BIN  := $(if $(and $(wildcard tests/labs/test_labs.c),$(if $(SWITCH),,1)),$(BUILD)/vfsim-labs-tests)
LABS_TEST_OBJS := $(BUILD)/obj/tests/harness.o $(BUILD)/obj/tests/labs/test_labs.o

FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/bench_*.c))

# Core sources the quality gates look at.
CORE_DIRS := fuse_proto sim guest device lib

.PHONY: all run test test-arm64 test-s390x test-kernel test-fuse test-backends deps-backends check-layers harness-selftest check \
	check-valgrind check-asan check-format check-install check-endian coverage docs fuzz \
	bench install uninstall examples man-check format clean deps deps-fuzz deps-kernel deps-cross-arm64 \
	deps-cross-s390x reader sweep bench-compare lab labs-dist

all: $(LIB) $(PROG)

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(OBJ_LTO) -c $< -o $@

$(EMBED): scripts/embed_sources.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CSTD) -O1 $(WARN) $< -o $@

$(GEN_SRCS): $(EMBED) $(GUEST_SRCS)
	@mkdir -p $(dir $@)
	$(EMBED) $(GUEST_SRCS) > $@.tmp && mv $@.tmp $@

ifeq ($(LTO),)
$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(if $(LIB_OBJS),$(AR) rcs $@ $(LIB_OBJS),$(AR) rcs $@)
else
$(LTO_LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(LTO_AR) rcs $@ $(LIB_OBJS)

# native code only: GCC's intermediate language (and its debug info) out
$(LIB): $(LTO_LIB)
	$(OBJCOPY) -R '.gnu.lto_*' -R '.gnu.debuglto_*' $< $@.tmp && mv $@.tmp $@
endif

# The link runs GCC's link-time optimiser (LTO), its partitions in
# parallel, one job per CPU (-flto=auto; a recipe without "+" gets no
# job slots of make's, and "+" would run it under make -n too).
$(PROG): $(PROG_OBJ) $(LTO_LIB)
	$(CC) $(CFLAGS) $(LTO) $(LDFLAGS) $(PROG_OBJ) $(LTO_LIB) $(LDLIBS) $(EDIT_LIBS) -o $@

# The program's line editor: libedit, when the compiler finds its header
# and links it (a cross compiler without the target's libedit, whose
# header it may still see in /usr/include, builds the program without it).
HAVE_LIBEDIT := $(shell printf '\043include <editline/readline.h>\nint main(void) { return 0; }\n' | \
	$(CC) -x c - -ledit -o /dev/null >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_LIBEDIT),1)
# the tests learn from it whether the program edits lines
CPPFLAGS += -DVFSIM_HAVE_LIBEDIT
EDIT_LIBS := -ledit
endif

# Rewritten only when the flags differ from the recorded ones, so an
# unchanged build rebuilds nothing.
FLAGS_NOW := $(subst ','\'',$(CC) $(CPPFLAGS) $(CFLAGS) $(LTO))
$(shell mkdir -p $(BUILD) && [ "$$(cat $(FLAGS_STAMP) 2>/dev/null)" = '$(FLAGS_NOW)' ] || \
	printf '%s\n' '$(FLAGS_NOW)' > $(FLAGS_STAMP))
$(FLAGS_STAMP): ;

$(TEST_BIN): $(TEST_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $(TEST_OBJS) $(LIB) $(TEST_LIBS) $(LDLIBS) -o $@

$(BUILD)/vfsim-labs-tests: $(LABS_TEST_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LABS_TEST_OBJS) $(TEST_LIBS) $(LDLIBS) -o $@

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

deps:
	@bash scripts/deps.sh test

deps-fuzz:
	@bash scripts/deps.sh fuzz

deps-cross-arm64 deps-cross-s390x: deps-cross-%:
	@bash scripts/deps.sh cross-$*

deps-kernel:
	@bash scripts/deps.sh kernel

# --- the real counterparts: a real Linux guest, the host's /dev/fuse ------
# Run by hand without root or the tools, each says why and stops (exit
# 77); with CI set a missing prerequisite is a failure.
test-kernel: $(PROG)
	@if [ "$$(id -u)" = 0 ] || [ -n "$$CI" ]; then bash scripts/deps.sh kernel; fi
	python3 tests/kernel/kernel_test.py --vfsim $(PROG) --work $(BUILD)/kernel \
		--variant $(KERNEL_VARIANT)

# QEMU's virtiofsd and vfsim serve as the guest's back ends: the scenarios
# of tests/backends/ and the edge-case table of docs/real-backends.md.
EDGE := $(BUILD)/vfsim-edge
$(EDGE): tests/backends/edge_cases.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@

test-backends: $(PROG) $(EDGE)
	@if [ "$$(id -u)" = 0 ] || [ -n "$$CI" ]; then bash scripts/deps.sh backends; fi
	python3 tests/backends/backend_test.py --vfsim $(PROG) --edge $(EDGE)

deps-backends:
	@bash scripts/deps.sh backends

test-fuse: $(PROG)
	@if [ "$$(id -u)" = 0 ] || [ -n "$$CI" ]; then bash scripts/deps.sh kernel; fi
	python3 tests/fuse/fuse_test.py --vfsim $(PROG) --work $(BUILD)/fuse

run: $(PROG)
	$(PROG) tour

# --- make labs-dist: the students' tree ------------------------------------
# DIST (default $(BUILD)/labs-dist): the repository as committed (git
# archive HEAD: sources, docs, handouts, starters, the grader) without the
# instructor's reference solutions and the tests that use them (tests/labs/),
# checked to hold no solution before it is written out as a tarball too.
DIST ?= $(BUILD)/labs-dist
labs-dist:
	rm -rf $(DIST) && mkdir -p $(DIST)
	git archive --format=tar HEAD | tar -x -C $(DIST)
	rm -rf $(DIST)/tests/labs
	@if grep -rlE 'Reference solution, lab [0-9]' $(DIST) >/dev/null 2>&1; then \
		echo "labs-dist: a reference solution is still in $(DIST)" >&2; exit 1; fi
	tar -czf $(DIST).tar.gz -C $(dir $(DIST)) $(notdir $(DIST))
	@echo "labs-dist: $(DIST) and $(DIST).tar.gz (no tests/labs/)"

# --- make lab: a C lab's vfsim ----------------------------------------------
# make lab LAB=lab7-forget ANSWER=my.c builds $(BUILD)/labs/LAB/vfsim (and
# lab-tests when the lab names CUnit suites): the lab's file (labs/LAB/
# lab.conf: source=) copied by labs/cut.py with the reference versions of
# its functions (functions=) taken out and ANSWER included in their place,
# linked before the library so that it replaces the reference object.
# labs/grade.sh LAB ANSWER runs this with LAB_OUT=DIR, a directory of
# that grading's own, then grades with what it built.
LAB_CONF = labs/$(LAB)/lab.conf
lab_conf = $(shell sed -n 's/^$(1)[[:space:]]*=[[:space:]]*//p' $(LAB_CONF))
LAB_OUT  = $(BUILD)/labs/$(LAB)
lab: $(LIB) $(PROG_OBJ) $(BUILD)/obj/tests/harness.o
	@test -f "$(LAB_CONF)" || { echo "make lab: no $(LAB_CONF) (LAB=a C lab's directory)" >&2; exit 2; }
	@test -f "$(ANSWER)" || { echo "make lab: no ANSWER file '$(ANSWER)'" >&2; exit 2; }
	@mkdir -p $(LAB_OUT)
	python3 labs/cut.py $(call lab_conf,source) $(LAB_OUT)/lab.c \
		"$(abspath $(ANSWER))" $(call lab_conf,functions)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-unused-function -c $(LAB_OUT)/lab.c -o $(LAB_OUT)/lab.o
	$(CC) $(CFLAGS) $(LDFLAGS) $(PROG_OBJ) $(LAB_OUT)/lab.o $(LIB) $(LDLIBS) $(EDIT_LIBS) -o $(LAB_OUT)/vfsim
	@rm -f $(LAB_OUT)/lab-tests
	$(if $(call lab_conf,tests),$(CC) $(CPPFLAGS) $(CFLAGS) $(BUILD)/obj/tests/harness.o \
		$(call lab_conf,tests) $(LAB_OUT)/lab.o $(LIB) $(TEST_LIBS) $(LDLIBS) -o $(LAB_OUT)/lab-tests)

# T=name runs only the suites whose name contains "name". The suites that
# start the program (labs/grade.sh, `vfsim run`) find it in VFSIM.
# The labs' binary runs meanwhile (its suites mostly wait for the grader's
# builds and runs); its output follows the main binary's.
# The program first: its link-time optimised link then runs beside the
# suites' compiles, not after them.
test: deps check-layers
	@$(MAKE) --no-print-directory $(PROG) $(TEST_BIN) $(LABS_TEST_BIN)
	@a=0; b=77; labs_log=$(BUILD)/labs-tests.log; \
	if [ -n "$(LABS_TEST_BIN)" ]; then \
	VFSIM_TEST_PART=1 VFSIM=$(CURDIR)/$(PROG) $(LABS_TEST_BIN) -j$(TEST_JOBS) $(T) \
		> $$labs_log 2>&1 & labs_pid=$$!; fi; \
	echo "VFSIM=$(CURDIR)/$(PROG) $(TEST_BIN) -j$(TEST_JOBS) $(T)"; \
	VFSIM_TEST_PART=1 VFSIM=$(CURDIR)/$(PROG) $(TEST_BIN) -j$(TEST_JOBS) $(T) || a=$$?; \
	if [ -n "$(LABS_TEST_BIN)" ]; then \
	b=0; wait $$labs_pid || b=$$?; \
	echo "VFSIM=$(CURDIR)/$(PROG) $(LABS_TEST_BIN) -j$(TEST_JOBS) $(T)"; \
	cat $$labs_log; fi; \
	if [ $$a = 77 ] && [ $$b = 77 ]; then \
		echo "make test: no suite matches '$(T)'" >&2; exit 2; fi; \
	[ $$a = 0 -o $$a = 77 ] && [ $$b = 0 -o $$b = 77 ]
	@if [ -z "$(T)" ]; then \
		$(MAKE) --no-print-directory examples && \
		$(MAKE) --no-print-directory man-check && \
		$(MAKE) --no-print-directory harness-selftest; fi

# The test binary's own runner (tests/harness.c) against suites that
# pass, fail, crash and exit early (tests/harness/).
HARNESS_SELFTEST := $(BUILD)/harness-selftest
$(HARNESS_SELFTEST): $(BUILD)/obj/tests/harness.o $(BUILD)/obj/tests/harness/selftest_suites.o
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(TEST_LIBS) -o $@
harness-selftest: $(HARNESS_SELFTEST)
	@bash scripts/harness-selftest.sh $(HARNESS_SELFTEST)

# The man pages hold their --help texts (after a change to one).
man-check: $(MAN_STAMP)
	python3 scripts/man.py --check $(PROG) $(BUILD)/man

# --- make examples: a user's programs, against the installed library ----
# Installed into a scratch prefix; each example is built with nothing but
# what pkg-config says (and CUnit for the CUnit one), then run.
EXAMPLES     := $(sort $(wildcard examples/*.c))
EXAMPLE_DIR  := $(BUILD)/examples
EXAMPLE_PREF := $(CURDIR)/$(EXAMPLE_DIR)/prefix
examples: all
	@rm -rf $(EXAMPLE_DIR)
	@$(MAKE) --no-print-directory install PREFIX=$(EXAMPLE_PREF) >/dev/null
	@set -e; export PKG_CONFIG_PATH=$(EXAMPLE_PREF)/lib/pkgconfig; \
	for f in $(EXAMPLES); do \
		b=$(EXAMPLE_DIR)/$$(basename $$f .c); \
		case $$f in *cunit*) extra=-lcunit;; *) extra=;; esac; \
		$(CC) $(CSTD) $(WARN) $$f $$(pkg-config --cflags --libs vfsim) \
			$$extra -o $$b; \
		echo "example: $$b"; $$b; \
	done

# --- make test-arm64, make test-s390x -------------------------------------
# Every suite built by Debian's cross compiler for another architecture
# (CUnit from Debian's multiarch packages of that architecture) and run
# under QEMU's user-mode emulation; the program the suites start is that
# architecture's too, through a two-line wrapper, since the host kernel
# cannot run it alone. The scenarios compare their traces with the same
# expected files as on x86-64, so a pass means byte-identical traces.
# Emulation is slow: the suites run as in the slow builds (Valgrind),
# with fewer random rounds and wider wall-clock margins.
#   arm64  aarch64: the aarch64 assembly switch (SWITCH=portable works too)
#   s390x  IBM Z: a big-endian host, and no assembly switch, so the
#          portable one is chosen without being asked
CROSS_arm64 := aarch64-linux-gnu
QEMU_arm64  := qemu-aarch64
CROSS_s390x := s390x-linux-gnu
QEMU_s390x  := qemu-s390x

test-arm64 test-s390x: test-%: deps-cross-% check-layers
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/$* CC=$(CROSS_$*)-gcc \
		AR=$(CROSS_$*)-ar LTO= $(BUILD)/$*/vfsim-tests $(BUILD)/$*/vfsim
	@printf '#!/bin/sh\nexec %s "%s" "$$@"\n' $(QEMU_$*) \
		'$(CURDIR)/$(BUILD)/$*/vfsim' > $(BUILD)/$*/vfsim-qemu
	@chmod +x $(BUILD)/$*/vfsim-qemu
	VFSIM=$(CURDIR)/$(BUILD)/$*/vfsim-qemu VFSIM_TEST_SLOW=1 $(QEMU_$*) \
		$(BUILD)/$*/vfsim-tests -j$(TEST_JOBS) $(T)

# The layers include only downwards, guest/ and device/ never each other,
# and docs/architecture.md draws the layers as they are (scripts/layers.py).
check-layers:
	@python3 scripts/layers.py check
	@python3 scripts/layers.py self-test
	@python3 scripts/layers.py sync docs/architecture.md
	@python3 scripts/fault_sites.py check
	@python3 scripts/trace_kinds.py check

# --- make reader: each variant's view of the guest sources --------------
# build/reader/VARIANT/guest/*.[ch], each file folded for that driver
# variant (vfsim source --all); every .c must then compile on its own.
READER_VARIANTS := v5-2019 6.1 mainline
reader: $(PROG)
	@set -e; for v in $(READER_VARIANTS); do \
		rm -rf $(BUILD)/reader/$$v; \
		$(PROG) source --variant $$v --all $(BUILD)/reader/$$v; \
		for f in $(BUILD)/reader/$$v/guest/*.c; do \
			$(CC) $(CSTD) -fsyntax-only -Werror=implicit-function-declaration \
				-I$(BUILD)/reader/$$v -I. $$f; \
		done; \
		echo "reader: $(BUILD)/reader/$$v/guest/ (compiles)"; \
	done

# --- make check: Valgrind, then sanitizers, then style -------------------
VALGRIND := valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=1

check: deps
	@$(MAKE) --no-print-directory check-valgrind
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-format
	@$(MAKE) --no-print-directory check-endian
	@$(MAKE) --no-print-directory check-install

check-valgrind:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/valgrind OPT="-O1 -g" LTO= \
		XCPPFLAGS="-DVFSIM_VALGRIND=1" $(BUILD)/valgrind/vfsim-tests
	@$(MAKE) --no-print-directory $(PROG)
	VFSIM=$(CURDIR)/$(PROG) VFSIM_TEST_SLOW=1 $(VALGRIND) $(BUILD)/valgrind/vfsim-tests -j$(TEST_JOBS) $(T)

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan OPT="-O1 -g $(SAN)" LTO= \
		LDFLAGS="$(SAN)" $(BUILD)/asan/vfsim-tests
	@$(MAKE) --no-print-directory $(PROG)
	VFSIM=$(CURDIR)/$(PROG) ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 $(BUILD)/asan/vfsim-tests -j$(TEST_JOBS) $(T)

FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
check-format:
	@if [ -n "$(FORMAT_SRCS)" ]; then \
		clang-format --dry-run -Werror $(FORMAT_SRCS) && echo "clang-format: clean"; \
	fi

# Install into a scratch prefix and build a user's program with pkg-config.
# Only the API's headers are installed, a man page per command, and the
# library's guide, the scenario language's reference and the examples.
check-install:
	@rm -rf $(BUILD)/install-check
	@$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/install-check/prefix >/dev/null
	@cd $(BUILD)/install-check/prefix && got="$$(find include share -type f | sort | tr '\n' ' ')"; \
		want="$$(for h in $(PUB_HDRS); do echo $${h}; done; \
			for m in $(BUILD)/man/*.1; do echo share/man/man1/$$(basename $$m); done; \
			for d in library.md scenarios.md trace.md examples/README.md $(EXAMPLES); do \
				echo share/doc/vfsim/$${d}; done)"; \
		want="$$(echo "$$want" | sort | tr '\n' ' ')"; \
		if [ "$$got" != "$$want" ]; then \
			echo "check-install: installed $$got, expected $$want"; exit 1; fi
	@export PKG_CONFIG_PATH=$(CURDIR)/$(BUILD)/install-check/prefix/lib/pkgconfig; \
		$(CC) $(CSTD) $(WARN) tests/install/use_vfsim.c $$(pkg-config --cflags --libs vfsim) \
			-o $(BUILD)/install-check/use_vfsim && $(BUILD)/install-check/use_vfsim

format:
	clang-format -i $(FORMAT_SRCS)

# Every fixed-byte-order field (fuse_proto/byteorder.h) is read and
# written through its conversion helper: sparse, with __le and __be types
# made distinct, over the library and the tests.
check-endian:
	@bash scripts/check-endian.sh $(LIB_SRCS) $(PROG_OBJ:$(BUILD)/obj/%.o=%.c) $(TEST_SRCS)

# --- make coverage ------------------------------------------------------
COV_MIN := 90
coverage: deps
	@rm -rf $(BUILD)/cov/obj $(BUILD)/coverage
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/cov OPT="-O0 -g --coverage" LTO= \
		LDFLAGS="--coverage" $(BUILD)/cov/vfsim-tests
	@find $(BUILD)/cov -name '*.gcda' -delete
	@$(MAKE) --no-print-directory $(PROG)
	VFSIM=$(CURDIR)/$(PROG) $(BUILD)/cov/vfsim-tests -j$(TEST_JOBS) $(T)
	@mkdir -p $(BUILD)/coverage
	lcov --quiet --rc lcov_branch_coverage=1 --capture --directory $(BUILD)/cov/obj \
		--base-directory . --output-file $(BUILD)/coverage/all.info
	lcov --quiet --rc lcov_branch_coverage=1 --extract $(BUILD)/coverage/all.info \
		$(foreach d,$(CORE_DIRS),'$(CURDIR)/$(d)/*') \
		--output-file $(BUILD)/coverage/core.info
	genhtml --quiet --branch-coverage --output-directory $(BUILD)/coverage \
		$(BUILD)/coverage/core.info
	@bash scripts/coverage-summary.sh $(BUILD)/coverage/core.info $(COV_MIN) $(CORE_DIRS)

# --- make docs ----------------------------------------------------------
docs: deps
	@mkdir -p $(BUILD)/docs
	VFSIM_VERSION=$(VERSION) VFSIM_DOCS_OUT=$(BUILD)/docs \
		VFSIM_DOCS_INPUT="README.md docs $(wildcard $(CORE_DIRS)) include examples" doxygen docs/Doxyfile

# --- make fuzz ----------------------------------------------------------
# The library is built once more with coverage instrumentation and
# sanitizers; each target links it with libFuzzer's main. Before they run,
# scripts/fuzz-seeds.py seeds their corpora from the scenario set's real
# messages, states, scenarios and console sessions (seed-dump is a plain
# build against libvfsim). FUZZ_JOBS targets run at a time.
FUZZ_CC   := clang
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/gen/guest_sources.o
FUZZ_LIB  := $(BUILD)/fuzz/libvfsim-fuzz.a
FUZZ_JOBS ?= 1
SEED_DUMP := $(BUILD)/fuzz/seed-dump

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -O1 -g $(WARN) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/obj/gen/guest_sources.o: $(GEN_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -O1 -g $(WARN) $(CPPFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $(FUZZ_OBJS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -O1 -g $(WARN) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -MMD -MP $< \
		$(FUZZ_LIB) -lm -o $@

# header dependencies of the fuzz build's objects and targets: a struct that
# grows in a header must rebuild every object that copies it (a stale object
# made ASan report a stack-buffer-overflow at a whole-struct copy)
-include $(shell find $(BUILD)/fuzz -name '*.d' 2>/dev/null)

$(SEED_DUMP): tests/fuzz/seed_dump.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS) $(SEED_DUMP)
	python3 scripts/fuzz-seeds.py --seed-dump $(SEED_DUMP) --corpus $(BUILD)/fuzz/corpus
	python3 scripts/fuzz-run.py --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) \
		--corpus $(BUILD)/fuzz/corpus $(FUZZ_BINS)

# --- make sweep ---------------------------------------------------------
# Every host allocation of the vfsim program made to fail in turn, over
# the scenario set, the console and the tour: each must end in a clean
# error (or change nothing), never a signal (scripts/alloc-sweep.py).
SWEEP_SHIM := $(BUILD)/sweep/alloc_shim.so
SWEEP_JOBS ?= 2

$(SWEEP_SHIM): tests/sweep/alloc_shim.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -O2 -g $(WARN) -shared -fPIC $< -o $@

sweep: deps $(PROG) $(SWEEP_SHIM)
	python3 scripts/alloc-sweep.py --vfsim $(PROG) --shim $(SWEEP_SHIM) \
		--jobs $(SWEEP_JOBS) $(SWEEP_ARGS)

# --- make bench ---------------------------------------------------------
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)

# link-time optimised as the program is: the figures are the program's
$(BUILD)/bench/%: tests/bench/%.c $(LTO_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LTO) $< $(LTO_LIB) $(LDLIBS) -o $@

# Every benchmark, then the table of figures and targets (scripts/bench.sh).
bench: $(BENCH_BINS) $(PROG)
	@VFSIM_BUILT="$(CC) $(OPT) $(LTO)" scripts/bench.sh $(BUILD)

# The round trip of two builds, turn about (A, B: revisions, "." the
# working tree): make bench-compare A=HEAD~1 B=HEAD
A ?= HEAD
B ?= .
# (+: the script's makes share this make's job slots, instead of each
# falling back to one job with a warning)
bench-compare:
	+@BUILD=$(BUILD) scripts/bench-compare.sh $(A) $(B)

# --- make install -------------------------------------------------------
# The man pages: vfsim's and each command's --help text (scripts/man.py
# finds the commands in vfsim --help), in $(BUILD)/man/*.1.
$(MAN_STAMP): $(PROG) scripts/man.py
	python3 scripts/man.py $(PROG) $(BUILD)/man $(VERSION)
	@touch $@

INC_DIR := $(DESTDIR)$(PREFIX)/include/vfsim
MAN_DIR := $(DESTDIR)$(PREFIX)/share/man/man1
DOC_DIR := $(DESTDIR)$(PREFIX)/share/doc/vfsim
install: all $(MAN_STAMP)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(INC_DIR) $(MAN_DIR)
	install -m 0755 $(PROG) $(DESTDIR)$(PREFIX)/bin/vfsim
	install -m 0644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libvfsim.a
	install -m 0644 $(PUB_HDRS) $(INC_DIR)/
	install -m 0644 $(BUILD)/man/*.1 $(MAN_DIR)/
	install -d $(DOC_DIR)/examples
	install -m 0644 docs/library.md docs/scenarios.md docs/trace.md $(DOC_DIR)/
	install -m 0644 examples/README.md examples/*.c $(DOC_DIR)/examples/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' vfsim.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/vfsim.pc

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/vfsim $(DESTDIR)$(PREFIX)/lib/libvfsim.a \
		$(INC_DIR) $(DESTDIR)$(PREFIX)/lib/pkgconfig/vfsim.pc \
		$(MAN_DIR)/vfsim.1 $(MAN_DIR)/vfsim-*.1 $(DOC_DIR)

clean:
	rm -rf $(BUILD)
