# SPDX-License-Identifier: GPL-2.0-only
#
# vfsim: one entry point for everything.
#
#   make            build build/libvfsim.a and build/vfsim
#   make run        the guided tour (vfsim tour)
#   make test       install missing tools, build and run every CUnit suite
#                   (make test T=suite runs the suites whose name has "suite")
#   make check      the suites under Valgrind, then under ASan+UBSan, and the
#                   clang-format check
#   make coverage   gcov/lcov report in build/coverage/, >= 90% lines required
#   make docs       Doxygen HTML in build/docs/, warnings are errors
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (default 30)
#   make bench      benchmarks and a table of figures and targets (printed
#                   numbers, never pass/fail on time)
#   make bench-compare A=REV B=REV  two builds' round trip, turn about
#   make install    PREFIX=/usr/local DESTDIR=
#   make format     rewrite sources with clang-format
#   make clean
#
# Sources are found by directory, so adding a file never means editing this
# Makefile: library code in fuse_proto/ sim/ guest/ device/ sim/cli/, test
# suites in tests/**/*.c (each registers itself, see tests/harness.h), fuzz
# targets in tests/fuzz/fuzz_*.c, benchmarks in tests/bench/bench_*.c.

VERSION := 0.1.0

# Recipes use bash features (PIPESTATUS, pipefail).
SHELL := /bin/bash

CC      ?= gcc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
FUZZ_SECONDS ?= 30

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wno-override-init
CSTD     := -std=gnu11
CPPFLAGS += -I. -DVFSIM_VERSION='"$(VERSION)"' $(XCPPFLAGS)
CFLAGS   += $(CSTD) $(OPT) $(WARN) -MMD -MP
LDLIBS   += -lm

# Library: every module, the program's scenario engine included.
LIB_DIRS := fuse_proto sim/trace sim/kernel sim/virtio sim/vmm guest device sim/cli
LIB_SRCS := $(filter-out sim/cli/vfsim_main.c,$(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))))
LIB_HDRS := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.h)))
# Headers private to one module are not installed.
PUB_HDRS := $(filter-out %_internal.h fuse_proto/fuse_optable.h,$(LIB_HDRS))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libvfsim.a

PROG     := $(BUILD)/vfsim
PROG_OBJ := $(BUILD)/obj/sim/cli/vfsim_main.o

# Tests: one binary holding every suite.
TEST_SRCS := $(sort $(wildcard tests/*.c tests/*/*.c tests/*/*/*.c))
TEST_SRCS := $(filter-out tests/fuzz/% tests/bench/% tests/install/%,$(TEST_SRCS))
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BIN  := $(BUILD)/vfsim-tests
TEST_LIBS := -lcunit

FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/bench_*.c))

# Core sources the quality gates look at.
CORE_DIRS := fuse_proto sim guest device

.PHONY: all run test check-layers check check-valgrind check-asan check-format check-install coverage \
	docs fuzz bench bench-compare install uninstall format clean deps deps-fuzz

all: $(LIB) $(PROG)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(if $(LIB_OBJS),ar rcs $@ $(LIB_OBJS),ar rcs $@)

$(PROG): $(PROG_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $(PROG_OBJ) $(LIB) $(LDLIBS) -o $@

$(TEST_BIN): $(TEST_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $(TEST_OBJS) $(LIB) $(TEST_LIBS) $(LDLIBS) -o $@

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

deps:
	@bash scripts/deps.sh test

deps-fuzz:
	@bash scripts/deps.sh fuzz

run: $(PROG)
	$(PROG) tour

# T=name runs only the suites whose name contains "name".
test: deps check-layers
	@$(MAKE) --no-print-directory $(TEST_BIN) $(PROG)
	$(TEST_BIN) $(T)

# The layers include only downwards, guest/ and device/ never each other,
# and docs/architecture.md draws the layers as they are (scripts/layers.py).
check-layers:
	@python3 scripts/layers.py check
	@python3 scripts/layers.py self-test
	@python3 scripts/layers.py sync docs/architecture.md

# --- make check: Valgrind, then sanitizers, then style -------------------
VALGRIND := valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=1

check: deps
	@$(MAKE) --no-print-directory check-valgrind
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-format
	@$(MAKE) --no-print-directory check-install

check-valgrind:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/valgrind OPT="-O1 -g" \
		XCPPFLAGS="-DVFSIM_VALGRIND=1" $(BUILD)/valgrind/vfsim-tests
	VFSIM_TEST_SLOW=1 $(VALGRIND) $(BUILD)/valgrind/vfsim-tests $(T)

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan OPT="-O1 -g $(SAN)" \
		LDFLAGS="$(SAN)" $(BUILD)/asan/vfsim-tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		$(BUILD)/asan/vfsim-tests $(T)

FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
check-format:
	@if [ -n "$(FORMAT_SRCS)" ]; then \
		clang-format --dry-run -Werror $(FORMAT_SRCS) && echo "clang-format: clean"; \
	fi

# Install into a scratch prefix and build a user's program with pkg-config.
check-install:
	@rm -rf $(BUILD)/install-check
	@$(MAKE) --no-print-directory install PREFIX=$(CURDIR)/$(BUILD)/install-check/prefix >/dev/null
	@export PKG_CONFIG_PATH=$(CURDIR)/$(BUILD)/install-check/prefix/lib/pkgconfig; \
		$(CC) $(CSTD) $(WARN) tests/install/use_vfsim.c $$(pkg-config --cflags --libs vfsim) \
			-o $(BUILD)/install-check/use_vfsim && $(BUILD)/install-check/use_vfsim

format:
	clang-format -i $(FORMAT_SRCS)

# --- make coverage ------------------------------------------------------
COV_MIN := 90
coverage: deps
	@rm -rf $(BUILD)/cov/obj $(BUILD)/coverage
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/cov OPT="-O0 -g --coverage" \
		LDFLAGS="--coverage" $(BUILD)/cov/vfsim-tests
	@find $(BUILD)/cov -name '*.gcda' -delete
	$(BUILD)/cov/vfsim-tests $(T)
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
		VFSIM_DOCS_INPUT="README.md docs $(wildcard $(CORE_DIRS))" doxygen docs/Doxyfile

# --- make fuzz ----------------------------------------------------------
# The library is built once more with coverage instrumentation and
# sanitizers; each target links it with libFuzzer's main.
FUZZ_CC   := clang
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_LIB  := $(BUILD)/fuzz/libvfsim-fuzz.a

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -O1 -g $(WARN) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $(FUZZ_OBJS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) -O1 -g $(WARN) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $< \
		$(FUZZ_LIB) -lm -o $@

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		mkdir -p $(BUILD)/fuzz/corpus/$$(basename $$f); \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(BUILD)/fuzz/corpus/$$(basename $$f) 2>&1 | \
			grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY' ; \
		test $${PIPESTATUS[0]} -eq 0; \
	done

# --- make bench ---------------------------------------------------------
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@

# Every benchmark, then the table of figures and targets (scripts/bench.sh).
bench: $(BENCH_BINS) $(PROG)
	@scripts/bench.sh $(BUILD)

# The round trip of two builds, turn about (A, B: revisions, "." the
# working tree): make bench-compare A=HEAD~1 B=HEAD
A ?= HEAD
B ?= .
bench-compare:
	@BUILD=$(BUILD) scripts/bench-compare.sh $(A) $(B)

# --- make install -------------------------------------------------------
INC_DIR := $(DESTDIR)$(PREFIX)/include/vfsim
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(INC_DIR)
	install -m 0755 $(PROG) $(DESTDIR)$(PREFIX)/bin/vfsim
	install -m 0644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libvfsim.a
	@set -e; for h in $(PUB_HDRS); do \
		install -d $(INC_DIR)/$$(dirname $$h); \
		install -m 0644 $$h $(INC_DIR)/$$h; \
	done
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' vfsim.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/vfsim.pc

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/vfsim $(DESTDIR)$(PREFIX)/lib/libvfsim.a \
		$(INC_DIR) $(DESTDIR)$(PREFIX)/lib/pkgconfig/vfsim.pc

clean:
	rm -rf $(BUILD)
