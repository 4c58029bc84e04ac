// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault.c - the fault plan: rules, parsing, counting.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"

enum fault_mode {
	FM_NONE,
	FM_NTH,
	FM_EVERY,
	FM_RANGE
};

struct fault_rule {
	char point[FAULT_NAME_MAX + 1];
	int point_id;		       /* fault_point(point) */
	char site[FAULT_SITE_MAX + 1]; /* "" matches any site */
	char arg[FAULT_ARG_MAX + 1];   /* for the point to read, or "" */
	enum fault_mode mode;
	u64 a, b; /* nth: a; range: hits a .. a+b-1 (b 0: no end) */
	u64 hits; /* matching hits seen */
};

/* Point names, numbered for the whole process (never reset: call sites
 * keep the numbers). */
static struct {
	char name[FAULT_MAX_POINTS][FAULT_NAME_MAX + 1];
	int nr;
} P;

static struct {
	struct fault_rule rules[FAULT_MAX_RULES];
	unsigned nr;
	/* per point: failures (hits and how many rules name it are in
	 * fault_counts, which the inline hooks read) */
	u64 fired[FAULT_MAX_POINTS];
	char err[FAULT_ERR_MAX];
} F;

struct fault_counts fault_counts;

/* Only the rules and points in use can hold anything: a machine set up
 * again and again (the explorer's) does not clear 27 KiB each time. */
void fault_reset(void)
{
	size_t points = (size_t)P.nr;

	memset(F.rules, 0, F.nr * sizeof(F.rules[0]));
	F.nr = 0;
	memset(fault_counts.hits, 0, points * sizeof(fault_counts.hits[0]));
	memset(F.fired, 0, points * sizeof(F.fired[0]));
	memset(fault_counts.nr_rules_of, 0,
	       points * sizeof(fault_counts.nr_rules_of[0]));
	F.err[0] = '\0';
}

/*
 * The fault plan of a machine image (sim/trace/image.h; vfsim's own): the
 * rules and the counts of the points in use when it was taken, put back
 * over a plan that fault_reset() cleared (only that part can hold
 * anything, as above).
 */
static struct {
	bool taken;
	int nr_points;
	unsigned nr_rules;
	struct fault_rule rules[FAULT_MAX_RULES];
	u64 fired[FAULT_MAX_POINTS], hits[FAULT_MAX_POINTS];
	unsigned nr_rules_of[FAULT_MAX_POINTS];
} fimg;

void fault_image_take(void)
{
	size_t points = (size_t)P.nr;

	fimg.taken = true;
	fimg.nr_points = P.nr;
	fimg.nr_rules = F.nr;
	memcpy(fimg.rules, F.rules, F.nr * sizeof(F.rules[0]));
	memcpy(fimg.fired, F.fired, points * sizeof(F.fired[0]));
	memcpy(fimg.hits, fault_counts.hits, points * sizeof(fimg.hits[0]));
	memcpy(fimg.nr_rules_of, fault_counts.nr_rules_of,
	       points * sizeof(fimg.nr_rules_of[0]));
}

void fault_image_restore(void)
{
	size_t points = (size_t)fimg.nr_points;

	assert(fimg.taken && !F.nr);
	F.nr = fimg.nr_rules;
	memcpy(F.rules, fimg.rules, F.nr * sizeof(F.rules[0]));
	memcpy(F.fired, fimg.fired, points * sizeof(F.fired[0]));
	memcpy(fault_counts.hits, fimg.hits, points * sizeof(fimg.hits[0]));
	memcpy(fault_counts.nr_rules_of, fimg.nr_rules_of,
	       points * sizeof(fimg.nr_rules_of[0]));
	F.err[0] = '\0';
}

unsigned fault_nr_rules(void)
{
	return F.nr;
}

const char *fault_error(void)
{
	return F.err;
}

/* Where a parse's failure message goes: F.err, or a checker's buffer. */
struct plan_msg {
	char *buf;
	size_t size;
};

static int fail(const struct plan_msg *m, int err, const char *what,
		const char *at, size_t len)
{
	if (m->size)
		snprintf(m->buf, m->size, "fault plan: %s at \"%.*s\"", what,
			 (int)(len > 60 ? 60 : len), at);
	return err;
}

/* "WHAT (valid: a, b, c)" from a NULL-ended list, for fail(). */
static const char *with_list(char *buf, size_t size, const char *what,
			     const char *const *list)
{
	size_t n = (size_t)snprintf(buf, size, "%s (valid:", what);

	for (unsigned i = 0; list[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s %s", i ? "," : "",
				      list[i]);
	if (n < size)
		snprintf(buf + n, size - n, ")");
	return buf;
}

/* The opcode whose name is the @len bytes at @s. */
static bool opcode_named(const char *s, size_t len)
{
	/* the FUSE opcodes, then CUSE_INIT */
	for (u32 op = 1; op <= 128; op++) {
		const char *n = fuse_opcode_name(op == 128 ? 4096 : op);

		if (n && strlen(n) == len && !memcmp(n, s, len))
			return true;
	}
	return false;
}

/* "hiprio" or "requests.N", the names the driver gives its queues. */
static bool queue_named(const char *s)
{
	const char *d = s + strlen("requests.");

	if (!strcmp(s, "hiprio"))
		return true;
	if (strncmp(s, "requests.", strlen("requests.")) || !*d ||
	    strlen(d) > 5)
		return false;
	return strspn(d, "0123456789") == strlen(d) && (d[0] != '0' || !d[1]);
}

static bool word_listed(const char *const *list, const char *w)
{
	for (unsigned i = 0; list[i]; i++)
		if (!strcmp(list[i], w))
			return true;
	return false;
}

/* The rule's point, site and argument are ones vfsim has. */
static int check_rule(const struct plan_msg *m, const struct fault_rule *r,
		      const char *s, size_t len)
{
	const struct fault_point_desc *d =
		fault_point_desc(r->point, strlen(r->point));
	const char *slash = strchr(r->site, '/');
	char what[FAULT_ERR_MAX - 96], names_buf[96];
	const char *names[64];
	size_t nr;

	if (!d) {
		const struct fault_point_desc *all = fault_point_descs(&nr);

		assert(nr < ARRAY_SIZE(names));
		for (size_t i = 0; i < nr; i++)
			names[i] = all[i].name;
		names[nr] = NULL;
		return fail(m, -ENOENT,
			    with_list(what, sizeof(what), "unknown point",
				      names),
			    s, len);
	}
	if (r->site[0] && d->site != FAULT_SITE_OPCODE && slash)
		return fail(m, -ENOENT, "only dev.* points take site=OP/NAME",
			    s, len);
	if (r->site[0] && d->site == FAULT_SITE_FUNC &&
	    !word_listed(d->sites, r->site))
		return fail(m, -ENOENT,
			    with_list(what, sizeof(what), "unknown site",
				      d->sites),
			    s, len);
	if (r->site[0] && d->site == FAULT_SITE_OPCODE &&
	    (!opcode_named(r->site, slash ? (size_t)(slash - r->site) :
					    strlen(r->site)) ||
	     (slash && !slash[1])))
		return fail(m, -ENOENT,
			    "unknown site (valid: a FUSE opcode such as "
			    "LOOKUP, GETATTR or READ, optionally /NAME)",
			    s, len);
	if (r->site[0] && d->site == FAULT_SITE_QUEUE && !queue_named(r->site))
		return fail(m, -ENOENT,
			    "unknown site (valid: hiprio, requests.N)", s, len);
	if (!r->arg[0])
		return 0;
	switch (d->arg) {
	case FAULT_ARG_NONE:
		snprintf(what, sizeof(what), "%s takes no arg", d->name);
		return fail(m, -ENOENT, what, s, len);
	case FAULT_ARG_DURATION: {
		u64 ns;

		if (!sched_parse_duration(r->arg, &ns))
			return 0;
		snprintf(what, sizeof(what),
			 "%s takes a duration such as arg=5ms (ns, us, ms or "
			 "s), not arg=%s",
			 d->name, r->arg);
		return fail(m, -ENOENT, what, s, len);
	}
	case FAULT_ARG_ERRNO: {
		int e;

		if (!fault_parse_errno(r->arg, &e))
			return 0;
		snprintf(what, sizeof(what),
			 "%s takes an errno name such as arg=EACCES, not "
			 "arg=%s",
			 d->name, r->arg);
		return fail(m, -ENOENT, what, s, len);
	}
	case FAULT_ARG_WORD:
		if (word_listed(d->words, r->arg))
			return 0;
		snprintf(names_buf, sizeof(names_buf), "%s takes no arg=%s",
			 d->name, r->arg);
		return fail(m, -ENOENT,
			    with_list(what, sizeof(what), names_buf, d->words),
			    s, len);
	}
	return 0;
}

int fault_parse_errno(const char *s, int *err)
{
	if (*s == '-')
		s++;
	for (int e = 1; e <= FUSE_PROTO_MAX_ERRNO; e++) {
		const char *n = fuse_errno_name(-e);

		if (n && !strcmp(n, s)) {
			*err = -e;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_num(const char *s, size_t len, u64 *out)
{
	u64 v = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (u64)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (u64)(s[i] - '0');
	}
	if (!v)
		return -ERANGE;
	*out = v;
	return 0;
}

/* One "key[=value]" item of a rule. */
static int parse_item(const struct plan_msg *m, struct fault_rule *r,
		      const char *s, size_t len, bool *have_count)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq ? (size_t)(eq - s) : len;
	const char *v = eq ? eq + 1 : s + len;
	size_t vlen = eq ? len - klen - 1 : 0;
	int err;

	if (klen == 5 && !memcmp(s, "every", 5) && !eq) {
		if (r->mode != FM_NONE)
			return fail(m, -EINVAL, "more than one mode", s, len);
		r->mode = FM_EVERY;
		return 0;
	}
	if (!eq)
		return fail(m, -EINVAL, "expected key=value", s, len);
	if (klen == 4 && !memcmp(s, "site", 4)) {
		if (!vlen)
			return fail(m, -EINVAL, "empty site", s, len);
		if (vlen > FAULT_SITE_MAX)
			return fail(m, -ENAMETOOLONG, "site name too long", s,
				    len);
		memcpy(r->site, v, vlen);
		r->site[vlen] = 0;
		return 0;
	}
	if (klen == 3 && !memcmp(s, "arg", 3)) {
		if (!vlen)
			return fail(m, -EINVAL, "empty arg", s, len);
		if (vlen > FAULT_ARG_MAX)
			return fail(m, -ENAMETOOLONG, "arg too long", s, len);
		memcpy(r->arg, v, vlen);
		r->arg[vlen] = 0;
		return 0;
	}
	if (klen == 3 && !memcmp(s, "nth", 3)) {
		if (r->mode != FM_NONE)
			return fail(m, -EINVAL, "more than one mode", s, len);
		r->mode = FM_NTH;
		err = parse_num(v, vlen, &r->a);
	} else if (klen == 4 && !memcmp(s, "from", 4)) {
		if (r->mode != FM_NONE)
			return fail(m, -EINVAL, "more than one mode", s, len);
		r->mode = FM_RANGE;
		err = parse_num(v, vlen, &r->a);
	} else if (klen == 5 && !memcmp(s, "count", 5)) {
		*have_count = true;
		err = parse_num(v, vlen, &r->b);
	} else {
		return fail(m, -EINVAL,
			    "unknown key (nth, every, from, count, site, arg)",
			    s, len);
	}
	if (err)
		return fail(m, err,
			    err == -ERANGE ? "number must be 1..2^64-1" :
					     "not a number",
			    s, len);
	return 0;
}

static int parse_rule(const struct plan_msg *m, struct fault_rule *r,
		      const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	const char *p, *end = s + len;
	bool have_count = false;
	int err;

	memset(r, 0, sizeof(*r));
	if (!colon || colon == s)
		return fail(m, -EINVAL, "expected point:rule", s, len);
	if ((size_t)(colon - s) > FAULT_NAME_MAX)
		return fail(m, -ENAMETOOLONG, "point name too long", s, len);
	memcpy(r->point, s, (size_t)(colon - s));
	for (p = colon + 1; p <= end;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;

		if (stop == p)
			return fail(m, -EINVAL, "empty item", s, len);
		err = parse_item(m, r, p, (size_t)(stop - p), &have_count);
		if (err)
			return err;
		p = stop + 1;
	}
	if (have_count && r->mode != FM_RANGE)
		return fail(m, -EINVAL, "count needs from", s, len);
	if (r->mode == FM_NONE) {
		/* only "site=" or "arg=" was given (any other item sets a
		 * mode or failed above): every hit */
		assert(r->site[0] || r->arg[0]);
		r->mode = FM_EVERY;
	}
	return check_rule(m, r, s, len);
}

/*
 * Parse every rule of @spec into @parsed (room for @room rules), touching
 * no global state but the message buffer @m. Both the plan and the checker
 * come through here, so they accept exactly the same strings.
 */
static int parse_plan(const struct plan_msg *m, const char *spec,
		      struct fault_rule *parsed, unsigned room, unsigned *nr)
{
	unsigned n = 0;
	const char *p;
	int err;

	if (!spec || !*spec) {
		if (m->size)
			snprintf(m->buf, m->size, "fault plan: empty");
		return -EINVAL;
	}
	for (p = spec; *p;) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);

		if (n == room)
			return fail(m, -ENOSPC, "too many rules", p, len);
		err = parse_rule(m, &parsed[n], p, len);
		if (err)
			return err;
		n++;
		p += len;
		if (*p == ';' && !*++p)
			return fail(m, -EINVAL, "trailing ';'", spec,
				    strlen(spec));
	}
	*nr = n;
	return 0;
}

int fault_plan_parse(const char *spec)
{
	struct fault_rule parsed[FAULT_MAX_RULES];
	const struct plan_msg m = { F.err, sizeof(F.err) };
	unsigned n = 0;
	int err;

	err = parse_plan(&m, spec, parsed, FAULT_MAX_RULES - F.nr, &n);
	if (err)
		return err;
	/* resolve every point first: the plan takes all rules or none */
	for (unsigned i = 0; i < n; i++) {
		parsed[i].point_id = fault_point(parsed[i].point);
		if (parsed[i].point_id < 0)
			return fail(&m, -ENOSPC, "too many fault points",
				    parsed[i].point, strlen(parsed[i].point));
	}
	for (unsigned i = 0; i < n; i++)
		fault_counts.nr_rules_of[parsed[i].point_id]++;
	memcpy(&F.rules[F.nr], parsed, n * sizeof(parsed[0]));
	F.nr += n;
	F.err[0] = 0;
	return 0;
}

int fault_plan_check(const char *spec, char *msg, size_t msgsize)
{
	struct fault_rule parsed[FAULT_MAX_RULES];
	const struct plan_msg m = { msg, msgsize };
	unsigned n = 0;
	int err;

	assert(msg || !msgsize);
	err = parse_plan(&m, spec, parsed, FAULT_MAX_RULES, &n);
	if (!err && msgsize)
		msg[0] = 0;
	return err;
}

int fault_point(const char *name)
{
	for (int i = 0; i < P.nr; i++)
		if (!strcmp(P.name[i], name))
			return i;
	if (P.nr == FAULT_MAX_POINTS || !*name || strlen(name) > FAULT_NAME_MAX)
		return -1;
	strcpy(P.name[P.nr], name);
	return P.nr++;
}

/* The number of @point if it was ever used, else -1 (registers nothing). */
static int point_known(const char *point)
{
	for (int i = 0; i < P.nr; i++)
		if (!strcmp(P.name[i], point))
			return i;
	return -1;
}

static bool rule_fires(struct fault_rule *r)
{
	u64 h = ++r->hits;

	switch (r->mode) {
	case FM_NTH:
		return h == r->a;
	case FM_RANGE:
		return h >= r->a && (!r->b || h - r->a < r->b);
	default:
		return true;
	}
}

/* A rule's site is the consultation's site, or "site/sub". */
static bool site_matches(const char *rule, const char *site, const char *sub)
{
	size_t n;

	if (!rule[0])
		return true;
	if (!site)
		return false;
	if (!strcmp(rule, site))
		return true;
	n = strlen(site);
	return sub && !strncmp(rule, site, n) && rule[n] == '/' &&
	       !strcmp(rule + n + 1, sub);
}

/* A hit on a point that some rule names (counted already by the inline
 * fault_hit_arg_id()): the rules decide. */
bool __fault_hit_ruled(int pi, const char *site, const char *sub,
		       const char **arg)
{
	const char *fired_arg = NULL;
	bool fire = false;

	/* a rule counts its hits: their order decides which one fires */
	fp_touch(&fault_counts.nr_rules_of[pi]);
	for (unsigned i = 0; i < F.nr; i++) {
		struct fault_rule *r = &F.rules[i];

		if (r->point_id != pi || !site_matches(r->site, site, sub))
			continue;
		/* every matching rule counts the hit, even if another fires;
		 * the first one that fires gives the argument */
		if (rule_fires(r) && !fire) {
			fire = true;
			fired_arg = r->arg[0] ? r->arg : NULL;
		}
	}
	if (arg)
		*arg = fired_arg;
	if (!fire)
		return false;
	F.fired[pi]++;
	/* interned: a site may be a queue's name, freed before the trace */
	TRACE(.kind = "fault", .func = site ? trace_name(site) : NULL,
	      .args = TRACE_FMT("%s fails (hit %llu)%s%s%s%s", P.name[pi],
				(unsigned long long)fault_counts.hits[pi],
				sub ? " on " : "", sub ? sub : "",
				fired_arg ? " arg=" : "",
				fired_arg ? fired_arg : ""));
	return true;
}

bool fault_hit_arg(const char *point, const char *site, const char *sub,
		   const char **arg)
{
	return fault_hit_arg_id(fault_point(point), site, sub, arg);
}

bool fault_hit(const char *point, const char *site)
{
	return fault_hit_id(fault_point(point), site);
}

u64 fault_hits(const char *point)
{
	int i = point_known(point);

	return i < 0 ? 0 : fault_counts.hits[i];
}

u64 fault_fired(const char *point)
{
	int i = point_known(point);

	return i < 0 ? 0 : F.fired[i];
}
