// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_server_tap.c - the tap sees every request and reply a server
 * handles and every state it saves, byte for byte, and changes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_state.h"
#include "tests/device/test_fuse_server.h"
#include "tests/harness.h"

struct seen {
	unsigned requests, replies, states;
	u32 last_opcode;
	size_t last_len;
	unsigned char last[256];
};

static void tap(void *arg, enum fuse_server_tap_kind kind, u32 opcode,
		const void *bytes, size_t len)
{
	struct seen *s = arg;

	s->requests += kind == FUSE_SERVER_TAP_REQUEST;
	s->replies += kind == FUSE_SERVER_TAP_REPLY;
	s->states += kind == FUSE_SERVER_TAP_STATE;
	s->last_opcode = opcode;
	s->last_len = len;
	memcpy(s->last, bytes, len < sizeof(s->last) ? len : sizeof(s->last));
}

static void test_tap_sees_messages_and_states(void)
{
	struct seen s = { 0 };
	struct fuse_entry_out e;
	void *state;
	size_t len;

	ts_setup_init(NULL);
	fuse_server_set_tap(tap, &s);
	CU_ASSERT_EQUAL(ts_mkdir(FUSE_ROOT_ID, "d", 0755, &e), 0);
	CU_ASSERT_EQUAL(s.requests, 1);
	CU_ASSERT_EQUAL(s.replies, 1);
	CU_ASSERT_EQUAL(s.last_opcode, FUSE_MKDIR);
	/* the reply the client got, as the tap saw it */
	CU_ASSERT_EQUAL(s.last_len, ts_rep_len);
	CU_ASSERT_EQUAL(memcmp(s.last, ts_rep, ts_rep_len), 0);
	/* FORGET has no reply: a request only */
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(s.requests, 2);
	CU_ASSERT_EQUAL(s.replies, 1);
	CU_ASSERT_EQUAL(s.last_opcode, FUSE_FORGET);
	/* too short for a header: shown with opcode 0 */
	CU_ASSERT_EQUAL(ts_raw("abc", 3, 64), -EBADMSG);
	CU_ASSERT_EQUAL(s.last_opcode, 0);
	CU_ASSERT_EQUAL(fuse_state_save(ts_srv, &state, &len), 0);
	CU_ASSERT_EQUAL(s.states, 1);
	CU_ASSERT_EQUAL(s.last_len, len);
	free(state);
	fuse_server_set_tap(NULL, NULL);
	CU_ASSERT_EQUAL(ts_getattr(FUSE_ROOT_ID, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(s.requests, 3);
	ts_teardown();
}

VT_SUITE(device_fuse_server_tap, NULL, NULL,
	 VT_CASE(test_tap_sees_messages_and_states));
