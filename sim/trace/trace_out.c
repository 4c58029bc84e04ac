// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_out.c - the out-of-line parts of the trace's bounded output
 * buffer (trace_text_internal.h): the bytes that do not fit, long copies
 * and fills, the digit pairs, signed decimals. Kept out of line so the
 * inline writers stay small where every byte of a text trace passes.
 */
#include <string.h>

#include "sim/trace/trace_text_internal.h"

/* The bytes that do not fit: as many as do. Out of line (also under
 * link-time optimisation), so the writers' fast paths stay small. */
__attribute__((noinline)) void trace_out_slow(struct out *o, const char *s,
					      size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->size)
			o->buf[o->len] = s[i];
}

__attribute__((noinline)) void trace_out_copy_long(char *d, const char *s,
						   size_t n)
{
	memcpy(d, s, n);
}

__attribute__((noinline)) void trace_out_fill_long(char *d, char c, size_t n)
{
	memset(d, c, n);
}

const char trace_digit_pairs[] = "00010203040506070809"
				 "10111213141516171819"
				 "20212223242526272829"
				 "30313233343536373839"
				 "40414243444546474849"
				 "50515253545556575859"
				 "60616263646566676869"
				 "70717273747576777879"
				 "80818283848586878889"
				 "90919293949596979899";

void trace_put_sdec(struct out *o, int64_t v)
{
	if (v < 0) {
		put_ch(o, '-');
		put_udec(o, (uint64_t)0 - (uint64_t)v);
	} else {
		put_udec(o, (uint64_t)v);
	}
}
