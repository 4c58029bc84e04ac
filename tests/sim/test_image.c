// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_image.c - a machine's image in the host's memory
 * (sim/trace/image.h): what is recorded, pinned, marked free and put
 * back; what is refused. The whole machine's image is checked against
 * fresh machines by tests/cli/test_explore_reuse.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "tests/harness.h"

/* file-level state of a pretend module */
static int counter;
static char *owned;
IMAGE_STATE(counter)
IMAGE_STATE(owned)

/* Build: state set, one object owned, one freed again, one that
 * outlives the machine (recording paused). */
static char *build(char **outside)
{
	char *gone;

	image_record(true);
	counter = 7;
	owned = host_malloc(16);
	strcpy(owned, "built");
	gone = host_calloc(4, 4);
	host_free(gone);
	gone = host_malloc(4);
	image_pause(true);
	*outside = host_strdup("outside");
	host_free(gone); /* freed while paused: forgotten all the same */
	image_pause(false);
	return owned;
}

static void test_put_back_where_it_was(void)
{
	char *outside, *p = build(&outside);
	size_t objects, bytes, state;

	CU_ASSERT(image_take() >= 16 + sizeof(counter) + sizeof(owned));
	CU_ASSERT(image_taken());
	image_stats(&objects, &bytes, &state);
	/* only the object still alive and recorded is pinned */
	CU_ASSERT_EQUAL(objects, 1);
	CU_ASSERT_EQUAL(bytes, 16);
	/* a run changes everything, then its teardown frees */
	for (int run = 0; run < 3; run++) {
		counter++;
		strcpy(owned, "run");
		owned = host_realloc(owned, 64); /* moves: the pinned stays */
		CU_ASSERT_PTR_NOT_EQUAL(owned, p);
		host_free(owned);
		owned = NULL;
		CU_ASSERT(image_restorable());
		CU_ASSERT_EQUAL(image_restore(), 0);
		CU_ASSERT_EQUAL(counter, 7);
		CU_ASSERT_PTR_EQUAL(owned, p);
		CU_ASSERT_STRING_EQUAL(owned, "built");
	}
	/* the outside object is nobody's business: freed for real */
	host_free(outside);
	host_free(owned);
	image_drop();
	CU_ASSERT(!image_taken());
}

/* A pinned object still in use when the machine is put back: refused,
 * nothing changed. */
static void test_refused_while_in_use(void)
{
	char *outside, *p = build(&outside);

	image_take();
	counter = 99;
	CU_ASSERT(!image_restorable());
	CU_ASSERT_EQUAL(image_restore(), -EBUSY);
	CU_ASSERT_EQUAL(counter, 99);
	CU_ASSERT_STRING_EQUAL(p, "built");
	/* dropped with the object alive: an ordinary allocation again */
	image_drop();
	host_free(p);
	host_free(outside);
	CU_ASSERT_EQUAL(image_restore(), -ENOENT);
	CU_ASSERT(!image_restorable());
}

/* Recording again forgets what an earlier recording noted. */
static void test_record_again(void)
{
	char *a, *b;

	image_record(true);
	a = host_malloc(8);
	image_record(false);
	image_record(true);
	b = host_malloc(24);
	image_take();
	{
		size_t objects, bytes, state;

		image_stats(&objects, &bytes, &state);
		CU_ASSERT_EQUAL(objects, 1);
		CU_ASSERT_EQUAL(bytes, 24);
	}
	host_free(a); /* not pinned: freed */
	host_free(b); /* pinned: marked free, freed by image_drop() */
	CU_ASSERT_EQUAL(image_restore(), 0);
	host_free(b);
	image_drop();
}

VT_SUITE(sim_image, NULL, NULL, VT_CASE(test_put_back_where_it_was),
	 VT_CASE(test_refused_while_in_use), VT_CASE(test_record_again));
