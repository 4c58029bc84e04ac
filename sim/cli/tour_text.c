// SPDX-License-Identifier: GPL-2.0-only
/*
 * tour_text.c - the tour's text machinery: running a built-in scenario
 * and parsing its text trace, finding and counting lines, and laying out
 * narration and trace lines in rows and columns that fit TOUR_WIDTH.
 */
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "sim/cli/tour_internal.h"
#include "sim/trace/host.h"

/* ---- running and parsing ------------------------------------------- */

/*
 * One line of trace_format_text(): "%6llu.%03llu us #%-6llu %-12s %-14s
 * REST". Guarantees: on success every pointer of @l points into @line,
 * which is cut into NUL-terminated words.
 */
static int parse_line(char *line, struct tour_line *l)
{
	unsigned long long us, frac, seq;
	char *p = line, *end;

	us = strtoull(p, &end, 10);
	if (end == p || *end != '.')
		return -1;
	p = end + 1;
	frac = strtoull(p, &end, 10);
	if (end != p + 3 || strncmp(end, " us #", 5))
		return -1;
	p = end + 5;
	seq = strtoull(p, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	l->time_ns = us * 1000 + frac;
	l->seq = seq;
	p = end;
	while (*p == ' ')
		p++;
	l->task = p;
	p += strcspn(p, " ");
	if (!*p)
		return -1;
	*p++ = '\0';
	while (*p == ' ')
		p++;
	l->kind = p;
	p += strcspn(p, " ");
	if (!*p)
		return -1;
	*p++ = '\0';
	while (*p == ' ')
		p++;
	l->rest = p;
	return *l->task && *l->kind ? 0 : -1;
}

ssize_t tour_parse_trace(char *text, struct tour_line **out)
{
	size_t nr = 0, cap = 0;
	struct tour_line *lines = NULL;
	char *p = text;

	*out = NULL;
	while (*p) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (nr == cap) {
			cap = cap ? cap * 2 : 256;
			lines = host_realloc(lines, cap * sizeof(*lines));
		}
		if (parse_line(p, &lines[nr])) {
			host_free(lines);
			return -1;
		}
		nr++;
		if (!nl)
			break;
		p = nl + 1;
	}
	*out = lines;
	return (ssize_t)nr;
}

int tour_run_scenario(const struct tour_scenario *scn, struct tour_run *r)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT };
	struct scenario_error err;
	struct scenario *s;
	FILE *diag;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->scn = scn;
	diag = host_memstream(&r->diag, &r->diag_len);
	if (scenario_parse_string(scn->file, scn->text, &s, &err)) {
		fprintf(diag, "%s\n", err.msg);
		fclose(diag);
		return -1;
	}
	o.diag = diag;
	vfsim_exec(s, &o, &r->res);
	scenario_free(s);
	if (r->res.trace) {
		r->text = host_strdup(r->res.trace);
		n = tour_parse_trace(r->text, &r->lines);
		if (n < 0)
			fprintf(diag, "%s: the trace is not text\n", scn->file);
		else
			r->nr = (size_t)n;
		r->ok = n >= 0 && r->res.status == 0;
	}
	fclose(diag);
	return r->ok ? 0 : -1;
}

void tour_run_free(struct tour_run *r)
{
	vfsim_result_free(&r->res);
	host_free(r->text);
	host_free(r->lines);
	host_free(r->diag);
	memset(r, 0, sizeof(*r));
}

/* ---- finding lines ------------------------------------------------- */

static bool match(const struct tour_line *l, const char *kind, const char *sub)
{
	return !strcmp(l->kind, kind) && (!sub || strstr(l->rest, sub));
}

bool tour_match(const struct tour_line *l, const struct tour_pat *p)
{
	return p->kind && match(l, p->kind, p->sub);
}

size_t tour_find(const struct tour_run *r, size_t from, const char *kind,
		 const char *sub)
{
	for (size_t i = from; i < r->nr; i++)
		if (match(&r->lines[i], kind, sub))
			return i;
	return r->nr;
}

const struct tour_line *tour_first(const struct tour_run *r, const char *kind,
				   const char *sub)
{
	size_t i = tour_find(r, 0, kind, sub);

	return i < r->nr ? &r->lines[i] : NULL;
}

const struct tour_line *tour_last(const struct tour_run *r, const char *kind,
				  const char *sub)
{
	for (size_t i = r->nr; i-- > 0;)
		if (match(&r->lines[i], kind, sub))
			return &r->lines[i];
	return NULL;
}

size_t tour_count_in(const struct tour_run *r, size_t from, size_t to,
		     const char *kind, const char *sub)
{
	size_t n = 0;

	for (size_t i = from; i < to && i < r->nr; i++)
		n += match(&r->lines[i], kind, sub);
	return n;
}

size_t tour_count(const struct tour_run *r, const char *kind, const char *sub)
{
	return tour_count_in(r, 0, r->nr, kind, sub);
}

bool tour_has_func(const struct tour_run *r, const char *func)
{
	size_t len = strlen(func);

	for (size_t i = 0; i < r->nr; i++) {
		const char *rest = r->lines[i].rest;

		if (!strncmp(rest, func, len) &&
		    (rest[len] == ' ' || !rest[len]))
			return true;
	}
	return false;
}

long long tour_number(const struct tour_line *l, const char *key)
{
	const char *p, *d;

	if (!l || !(p = strstr(l->rest, key)))
		return -1;
	if (key[0] == ' ') {
		/* the digits right before " key" */
		d = p;
		while (d > l->rest && isdigit((unsigned char)d[-1]))
			d--;
		return d == p ? -1 : strtoll(d, NULL, 10);
	}
	d = p + strlen(key);
	return isdigit((unsigned char)*d) ? strtoll(d, NULL, 10) : -1;
}

const char *tour_ms(u64 ns, char *buf, size_t size)
{
	if (ns >= 1000000000)
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " s",
			 ns / 1000000000, ns / 1000000 % 1000);
	else
		snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 " ms",
			 ns / 1000000, ns / 1000 % 1000);
	return buf;
}

/* ---- rows ---------------------------------------------------------- */

static void add_row(struct tour_rows *rows, const char *text, size_t len)
{
	if (rows->nr == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 16;
		rows->row =
			host_realloc(rows->row, rows->cap * sizeof(*rows->row));
	}
	rows->row[rows->nr] = host_strndup(text, len);
	rows->nr++;
}

/*
 * Greedy wrap at blanks. Guarantees: every row is at most @width
 * columns; every word of @text appears in order (a word wider than a
 * row is cut into row-wide pieces); runs of blanks collapse to one.
 */
void tour_rows_wrap(struct tour_rows *rows, const char *text, unsigned width,
		    unsigned hang)
{
	char row[TOUR_WIDTH + 1];
	const char *p = text;
	bool words = false;
	size_t len = 0;

	assert(width <= TOUR_WIDTH && hang < width / 2);
	while (*p) {
		size_t wl, room;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		wl = strcspn(p, " ");
		if (words && len + 1 + wl > width) {
			add_row(rows, row, len);
			memset(row, ' ', hang);
			len = hang;
			words = false;
			continue;
		}
		if (words)
			row[len++] = ' ';
		room = width - len;
		if (wl > room) {
			/* a word wider than a row: cut it */
			memcpy(row + len, p, room);
			add_row(rows, row, width);
			memset(row, ' ', hang);
			len = hang;
			p += room;
			continue;
		}
		memcpy(row + len, p, wl);
		len += wl;
		p += wl;
		words = true;
	}
	if (words)
		add_row(rows, row, len);
}

void tour_rows_line(struct tour_rows *rows, const struct tour_line *l,
		    unsigned width)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%03" PRIu64 " %s %s %s",
		 l->time_ns / 1000, l->time_ns % 1000, l->task, l->kind,
		 l->rest);
	tour_rows_wrap(rows, buf, width, 4);
}

void tour_rows_free(struct tour_rows *rows)
{
	for (size_t i = 0; i < rows->nr; i++)
		host_free(rows->row[i]);
	host_free(rows->row);
	memset(rows, 0, sizeof(*rows));
}

void tour_rows_print(FILE *out, const struct tour_rows *rows, unsigned indent)
{
	for (size_t i = 0; i < rows->nr; i++)
		fprintf(out, "%*s%s\n", (int)indent, "", rows->row[i]);
}

void tour_rows_print2(FILE *out, const struct tour_rows *a,
		      const struct tour_rows *b)
{
	size_t n = a->nr > b->nr ? a->nr : b->nr;

	for (size_t i = 0; i < n; i++) {
		const char *l = i < a->nr ? a->row[i] : "";
		const char *r = i < b->nr ? b->row[i] : "";

		if (*r)
			fprintf(out, "  %-*s | %s\n", TOUR_COL_WIDTH, l, r);
		else
			fprintf(out, "  %-*s |\n", TOUR_COL_WIDTH, l);
	}
}

void tour_say(FILE *out, const char *text, unsigned indent)
{
	/* each line of @text is a paragraph; an empty one, a blank row */
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		struct tour_rows rows = { 0 };
		char *para = host_strndup(p, len);

		tour_rows_wrap(&rows, para, TOUR_WIDTH - indent, 0);
		if (!rows.nr)
			fputc('\n', out);
		tour_rows_print(out, &rows, indent);
		tour_rows_free(&rows);
		host_free(para);
		p += len;
		if (*p)
			p++;
	}
}

/* ---- beats --------------------------------------------------------- */

bool tour_side_has_pat(const struct tour_side *side)
{
	return side->any[0].kind != NULL;
}

static bool side_match(const struct tour_side *side, const struct tour_line *l)
{
	for (size_t k = 0; k < TOUR_ALTS && side->any[k].kind; k++)
		if (tour_match(l, &side->any[k]))
			return true;
	return false;
}

size_t tour_side_find(const struct tour_side *side, const struct tour_run *r,
		      size_t from)
{
	if (!tour_side_has_pat(side))
		return r->nr;
	for (size_t i = from; i < r->nr; i++)
		if (tour_match(&r->lines[i], &side->any[0]))
			return i;
	return r->nr;
}

void tour_side_rows(struct tour_rows *rows, const struct tour_side *side,
		    const struct tour_run *r, size_t first, size_t end,
		    unsigned width)
{
	unsigned show = side->show ? side->show : 1, shown = 0;
	const struct tour_line *last = NULL;
	size_t more = 0;
	char buf[256], ms[32];

	if (!tour_side_has_pat(side)) {
		if (side->note)
			tour_rows_wrap(rows, side->note, width, 1);
		return;
	}
	if (first >= r->nr) {
		snprintf(buf, sizeof(buf),
			 "(MISSING from this run: a '%s' line)",
			 side->any[0].kind);
		tour_rows_wrap(rows, buf, width, 1);
		rows->broken = true;
		return;
	}
	for (size_t i = first; i < end && i < r->nr; i++) {
		if (!side_match(side, &r->lines[i]))
			continue;
		if (shown < show) {
			tour_rows_line(rows, &r->lines[i], width);
			shown++;
		} else {
			more++;
			last = &r->lines[i];
		}
	}
	if (more) {
		snprintf(buf, sizeof(buf),
			 "(+%zu more like %s, the last at %s)", more,
			 more == 1 ? "it" : "these",
			 tour_ms(last->time_ns, ms, sizeof(ms)));
		tour_rows_wrap(rows, buf, width, 1);
	}
}
