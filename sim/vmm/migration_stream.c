// SPDX-License-Identifier: GPL-2.0-only
/*
 * migration_stream.c - the chunked migration stream of the front end
 * (twin of QEMU's vhost_save_backend_state()/vhost_load_backend_state()).
 */
#include "sim/vmm/migration_stream.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/fault.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

void mig_stream_init(struct mig_stream *s)
{
	memset(s, 0, sizeof(*s));
}

void mig_stream_free(struct mig_stream *s)
{
	host_free(s->data);
	mig_stream_init(s);
}

void mig_stream_append(struct mig_stream *s, const void *buf, size_t len)
{
	if (len > s->cap - s->len) {
		size_t cap = s->cap ? s->cap : 4096;

		while (cap - s->len < len)
			cap *= 2;
		s->data = host_realloc(s->data, cap);
		s->cap = cap;
	}
	if (len)
		memcpy(s->data + s->len, buf, len);
	s->len += len;
}

static void put_be32(struct mig_stream *s, u32 v)
{
	__be32 be = cpu_to_be32(v);

	mig_stream_append(s, &be, sizeof(be));
}

static u32 get_be32(const u8 *p)
{
	__be32 be;

	memcpy(&be, p, sizeof(be));
	return be32_to_cpu(be);
}

/* Fill @buf from the pipe until @size bytes or EOF; bytes or -errno. */
static ssize_t read_full(struct pipe *p, u8 *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pipe_read(p, buf + got, size - got);

		if (n < 0)
			return n;
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Twin of QEMU's vhost_save_backend_state(): pipe to chunks. */
int mig_stream_save_from(struct pipe *p, struct mig_stream *s,
			 size_t chunk_size)
{
	size_t start = s->len;
	u64 chunks = s->chunks;
	u8 *chunk;
	int err = 0;

	if (!chunk_size)
		chunk_size = MIG_STREAM_CHUNK_MAX;
	if (chunk_size > MIG_STREAM_CHUNK_MAX) {
		pipe_close_read(p);
		return -EINVAL;
	}
	chunk = host_malloc(chunk_size);
	for (;;) {
		ssize_t n = read_full(p, chunk, chunk_size);

		if (n < 0) {
			err = (int)n;
			break;
		}
		put_be32(s, (u32)n);
		if (!n)
			break;
		mig_stream_append(s, chunk, (size_t)n);
		s->chunks++;
		TRACE(.kind = "mig.chunk", .func = "vhost_save_backend_state",
		      .detail = trace_fmt("chunk %llu: %zd bytes",
					  (unsigned long long)s->chunks - 1,
					  n));
	}
	host_free(chunk);
	pipe_close_read(p);
	if (err) {
		s->len = start;
		s->chunks = chunks;
	}
	TRACE(.kind = "mig.save", .func = "vhost_save_backend_state",
	      .detail =
		      err ? trace_fmt("error %d", err) :
			    trace_fmt("%llu chunks, %zu stream bytes",
				      (unsigned long long)(s->chunks - chunks),
				      s->len - start));
	return err;
}

/*
 * Walk one chunk at @pos: 0 with *len and *data set (len 0 = terminator),
 * or the stream error.
 */
static int next_chunk(const struct mig_stream *s, size_t pos, u32 *len,
		      const u8 **data)
{
	if (pos == s->len)
		return -ENOMSG;
	if (s->len - pos < sizeof(__be32))
		return -ENODATA;
	*len = get_be32(s->data + pos);
	if (*len > MIG_STREAM_CHUNK_MAX)
		return -EMSGSIZE;
	if (s->len - pos - sizeof(__be32) < *len)
		return -ENODATA;
	*data = s->data + pos + sizeof(__be32);
	return 0;
}

/*
 * Write one chunk into the back end's pipe, unless the fault plan cuts the
 * transfer here ("mig.cut": half the chunk goes, then *err = -ENODATA, as
 * a stream ending mid-chunk) or corrupts it ("mig.corrupt": its first byte
 * is inverted on the way, which only the state's checksum can notice).
 */
static ssize_t load_chunk(struct pipe *p, const u8 *data, u32 len, int *err)
{
	u8 first;
	ssize_t n;

	if (fault_hit("mig.cut", "vhost_load_backend_state")) {
		*err = -ENODATA;
		return pipe_write(p, data, len / 2);
	}
	if (!fault_hit("mig.corrupt", "vhost_load_backend_state"))
		return pipe_write(p, data, len);
	first = data[0] ^ 0xff;
	n = pipe_write(p, &first, 1);
	return n < 0 ? n : pipe_write(p, data + 1, len - 1);
}

/* Twin of QEMU's vhost_load_backend_state(): chunks to pipe. */
int mig_stream_load_into(struct mig_stream *s, struct pipe *p)
{
	int err;

	for (;;) {
		const u8 *data;
		u32 len;
		ssize_t n;

		err = next_chunk(s, s->pos, &len, &data);
		if (err)
			break;
		s->pos += sizeof(__be32) + len;
		if (!len)
			break;
		s->chunks++;
		n = load_chunk(p, data, len, &err);
		if (n < 0) {
			err = (int)n;
			break;
		}
		if (err)
			break;
	}
	pipe_close_write(p);
	TRACE(.kind = "mig.load", .func = "vhost_load_backend_state",
	      .detail = err ? trace_fmt("error %d", err) : "end of state");
	return err;
}

int mig_stream_write_file(const struct mig_stream *s, const char *path)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	if (s->len && fwrite(s->data, 1, s->len, f) != s->len)
		err = -EIO;
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}

int mig_stream_read_file(struct mig_stream *s, const char *path)
{
	FILE *f = fopen(path, "rb");
	u8 buf[4096];
	size_t n;
	int err = 0;

	if (!f)
		return -errno;
	mig_stream_free(s);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		mig_stream_append(s, buf, n);
	if (ferror(f))
		err = -EIO;
	fclose(f);
	return err;
}

int mig_stream_describe(const struct mig_stream *s, FILE *out)
{
	size_t pos = 0;
	u64 i = 0;

	for (;;) {
		const u8 *data;
		u32 len;
		int err = next_chunk(s, pos, &len, &data);

		if (err) {
			fprintf(out, "error %d at %zu\n", err, pos);
			return err;
		}
		if (!len) {
			fprintf(out, "end at %zu\n", pos);
			return 0;
		}
		fprintf(out, "chunk %llu at %zu: %u bytes\n",
			(unsigned long long)i++, pos, len);
		pos += sizeof(__be32) + len;
	}
}

int mig_frontend_save_task(void *arg)
{
	struct mig_frontend *fe = arg;

	fe->result = mig_stream_save_from(fe->pipe, fe->stream, fe->chunk_size);
	return fe->result;
}

int mig_frontend_load_task(void *arg)
{
	struct mig_frontend *fe = arg;

	fe->result = mig_stream_load_into(fe->stream, fe->pipe);
	return fe->result;
}
