// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_parse_config.c - the configuration statements: machine, bug,
 * device, policy, fault, migration and the entries of the fs block.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "device/virtio_fs_dev.h"
#include "guest/vfsim_variant.h"
#include "sim/cli/backend.h"
#include "sim/cli/scenario_internal.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/sched.h"

/* The guest's and the device's registries, every name of each. */
static const char *bug_names[VIRTIO_FS_NR_BUGS + 1];
static const char *variant_names[VIRTIO_FS_NR_VARIANTS + 1];
static const char *driver_option_names[VIRTIO_FS_NR_OPTIONS + 1];
static const char *device_option_names[VFS_DEV_NR_OPTIONS + 1];

static const char *bug_name(int i)
{
	return virtio_fs_bug_name((enum virtio_fs_bug)i);
}

static const char *variant_name(int i)
{
	return virtio_fs_variant_name((enum virtio_fs_variant)i);
}

static const char *driver_option_name(int i)
{
	return virtio_fs_option_name((enum virtio_fs_option)i);
}

static const char *device_option_name(int i)
{
	return vfs_dev_option_name((enum vfs_dev_option)i);
}

/* @table: the @n names @name gives, then NULL (filled on first use). */
static const char *const *name_table(const char **table, int n,
				     const char *(*name)(int i))
{
	if (!table[0])
		for (int i = 0; i < n; i++)
			table[i] = name(i);
	return table;
}

const char *const *scenario_bug_names(void)
{
	return name_table(bug_names, VIRTIO_FS_NR_BUGS, bug_name);
}

const char *const *scenario_variant_names(void)
{
	return name_table(variant_names, VIRTIO_FS_NR_VARIANTS, variant_name);
}

const char *const *scenario_driver_option_names(void)
{
	return name_table(driver_option_names, VIRTIO_FS_NR_OPTIONS,
			  driver_option_name);
}

const char *const *scenario_device_option_names(void)
{
	return name_table(device_option_names, VFS_DEV_NR_OPTIONS,
			  device_option_name);
}

/*
 * A comma-separated list of names from @names ("none": empty), as a bit
 * mask. Each name must be known and given once; an error points at the
 * name.
 */
static uint32_t name_list(struct scn_parser *P, const struct scn_tok *t,
			  const char *const *names, const char *what)
{
	char name[64];
	uint32_t mask = 0;
	const char *p = t->text;

	if (!strcmp(p, "none"))
		return 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct scn_tok one = *t;
		int k;

		if (!len || len >= sizeof(name))
			scn_fail(P, -EINVAL, t->vcol,
				 "bad %s list '%.60s' (expected NAME[,NAME...] "
				 "or none)",
				 what, t->text);
		memcpy(name, p, len);
		name[len] = '\0';
		one.text = name;
		one.vcol = t->vcol + (unsigned int)(p - t->text);
		k = scn_one_of(P, &one, names, what);
		if (mask & (1u << k))
			scn_fail(P, -EEXIST, one.vcol, "%s '%s' given twice",
				 what, name);
		mask |= 1u << k;
		if (!end)
			return mask;
		p = end + 1;
	}
}

/* A request timeout: whole seconds, 1..FUSE_REQ_TIMEOUT_MAX (the kernel's
 * sysctls and INIT's 16-bit field count seconds); 0 means none. */
static unsigned timeout_secs(struct scn_parser *P, const struct scn_tok *t,
			     const char *what)
{
	uint64_t ns = scn_duration(P, t, what);

	if (ns % 1000000000ull || ns / 1000000000ull > FUSE_REQ_TIMEOUT_MAX)
		scn_fail(P, -ERANGE, t->vcol,
			 "'%s' counts whole seconds, 0s..%us, as the kernel "
			 "does; got %.40s",
			 what, FUSE_REQ_TIMEOUT_MAX, t->text);
	return (unsigned)(ns / 1000000000ull);
}

/* One driver key, from the `driver` line or the machine line's older
 * spelling: each may be given once in all. */
static void driver_key(struct scn_parser *P, const struct scn_tok *t,
		       unsigned bit)
{
	struct scn_driver *d = &P->s->driver;

	if (d->set & bit)
		scn_fail(P, -EEXIST, t->col, "duplicate key '%s'", t->key);
	d->set |= bit;
	if (bit == SCN_DRIVER_VARIANT) {
		d->variant = scenario_variant_names()[scn_one_of(
			P, t, scenario_variant_names(), "driver variant")];
		d->variant_pos = scn_pos_at(P, t->vcol);
	} else if (bit == SCN_DRIVER_TIMEOUT) {
		d->timeout_s = timeout_secs(P, t, "timeout");
		d->timeout_pos = scn_pos_at(P, t->vcol);
	} else if (bit == SCN_DRIVER_MAX_TIMEOUT) {
		d->max_timeout_s = timeout_secs(P, t, "max-timeout");
		if (!(d->set & SCN_DRIVER_TIMEOUT))
			d->timeout_pos = scn_pos_at(P, t->vcol);
	} else {
		d->options = name_list(P, t, scenario_driver_option_names(),
				       "driver option");
	}
}

static bool onoff(struct scn_parser *P, const struct scn_tok *t)
{
	static const char *const v[] = { "off", "on", NULL };

	return scn_one_of(P, t, v, "value") == 1;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * One key=value of a configuration line (machine, device): checks the
 * token's shape, that the key is one of @keys and is not given twice, and
 * records it in @set. Returns the key's index in @keys.
 */
static int parse_config_key(struct scn_parser *P, const struct scn_tok *t,
			    const char *const keys[], const char *what,
			    unsigned int *set)
{
	char b[80], list[160] = "";
	int k;

	if (t->kind != SCN_TK_KEYVAL) {
		for (size_t i = 0; keys[i]; i++)
			snprintf(list + strlen(list),
				 sizeof(list) - strlen(list), "%s%s",
				 i ? ", " : "", keys[i]);
		scn_fail(P, -EINVAL, t->col,
			 "unexpected '%s' (expected key=value, keys: %s)",
			 scn_tok_str(t, b, sizeof(b)), list);
	}
	scn_no_var(P, t);
	k = scn_one_of(P,
		       &(struct scn_tok){
			       .text = t->key, .col = t->col, .vcol = t->col },
		       keys, what);
	if (*set & (1u << k))
		scn_fail(P, -EEXIST, t->col, "duplicate key '%s'", t->key);
	*set |= 1u << k;
	return k;
}

static const char *const machine_keys[] = {
	"tag",	    "queues",	  "queue-size", "variant", "cpus", "event-idx",
	"indirect", "dax-window", "timeout",	"devices", NULL,
};

static const char *const driver_keys[] = { "variant", "timeout", "max-timeout",
					   "options", NULL };

void scn_parse_driver(struct scn_parser *P)
{
	struct scn_driver *d = &P->s->driver;
	unsigned set = 0;

	scn_once(P, &P->toks[0], &d->pos);
	d->pos = scn_pos_at(P, P->toks[0].col);
	for (size_t i = 1; i < P->nr_toks; i++) {
		const struct scn_tok *t = &P->toks[i];
		int k = parse_config_key(P, t, driver_keys, "driver key", &set);

		driver_key(P, t, 1u << k);
	}
}

/* The guest's own checks, with the scenario's positions: every bug switch
 * exists in the variant's code, a request timeout needs a variant that
 * has one. Run once the configuration is complete. */
void scn_check_driver(struct scn_parser *P)
{
	struct scenario *s = P->s;
	enum virtio_fs_variant v;
	const struct virtio_fs_variant_info *vi;

	if (virtio_fs_variant_parse(s->driver.variant, &v))
		return; /* the parser only stores known names */
	vi = virtio_fs_variant_info(v);
	if ((s->driver.timeout_s || s->driver.max_timeout_s) &&
	    !vi->request_timeout)
		scn_fail_line(P, -EINVAL, s->driver.timeout_pos.line,
			      s->driver.timeout_pos.col,
			      "driver variant %s (%s) has no request timeout "
			      "(they came in Linux 6.14; variant mainline has "
			      "them)",
			      vi->name, vi->release);
	for (size_t i = 0; i < s->nr_bugs; i++) {
		const struct scn_bug *b = &s->bugs[i];
		enum virtio_fs_bug bug;
		const struct virtio_fs_bug_info *bi;
		char list[64] = "";

		if (virtio_fs_bug_parse(b->name, &bug))
			continue;
		bi = virtio_fs_bug_info(bug);
		if (bi->variants & (1u << v))
			continue;
		for (int k = 0; k < VIRTIO_FS_NR_VARIANTS; k++)
			if (bi->variants & (1u << k))
				snprintf(list + strlen(list),
					 sizeof(list) - strlen(list), "%s%s",
					 list[0] ? ", " : "",
					 virtio_fs_variant_name(
						 (enum virtio_fs_variant)k));
		scn_fail_line(
			P, -EINVAL, b->pos.line, b->pos.col,
			"bug switch '%s' changes code that driver variant "
			"%s does not have (it applies to: %s)",
			b->name, vi->name, list);
	}
}

void scn_parse_machine(struct scn_parser *P)
{
	struct scn_machine *m = &P->s->machine;

	scn_once(P, &P->toks[0], &m->pos);
	m->pos = scn_pos_at(P, P->toks[0].col);
	for (size_t i = 1; i < P->nr_toks; i++) {
		const struct scn_tok *t = &P->toks[i];
		int k = parse_config_key(P, t, machine_keys, "machine key",
					 &m->set);

		switch (k) {
		case 0:
			if (!*t->text || strlen(t->text) > 36)
				scn_fail(P, -EINVAL, t->vcol,
					 "tag must be 1..36 bytes");
			m->tag = t->text;
			break;
		case 1:
			m->queues = (unsigned)scn_uint(P, t, 1, 64, "queues");
			break;
		case 2: {
			uint64_t v =
				scn_uint(P, t, 0, UINT64_MAX, "queue-size");

			if (!is_pow2(v) || v < 2 || v > 32768)
				scn_fail(P, -ERANGE, t->vcol,
					 "'queue-size' must be a power of two "
					 "between 2 and 32768, got %.40s",
					 t->text);
			m->queue_size = (unsigned)v;
			break;
		}
		case 3:
			driver_key(P, t, SCN_DRIVER_VARIANT);
			break;
		case 4:
			m->cpus = (unsigned)scn_uint(P, t, 1, 64, "cpus");
			break;
		case 5:
			m->event_idx = onoff(P, t);
			break;
		case 6:
			m->indirect = onoff(P, t);
			break;
		case 7:
			m->dax_window = scn_size(P, t, "dax-window");
			break;
		case 8:
			driver_key(P, t, SCN_DRIVER_TIMEOUT);
			break;
		default:
			m->devices = (unsigned)scn_uint(P, t, 1, 2, "devices");
			break;
		}
	}
}

void scn_parse_bug(struct scn_parser *P)
{
	struct scenario *s = P->s;
	const struct scn_tok *t = scn_need(P, 1, "bug switch name");
	const char *name;
	struct scn_bug *b;

	scn_no_var(P, t);
	name = scenario_bug_names()[scn_one_of(P, t, scenario_bug_names(),
					       "bug switch")];
	for (size_t i = 0; i < s->nr_bugs; i++)
		if (s->bugs[i].name == name)
			scn_fail(P, -EEXIST, t->col,
				 "duplicate bug switch '%s' (already at line "
				 "%u)",
				 name, s->bugs[i].pos.line);
	scn_no_more(P, 2);
	b = scn_push(P, &s->bugs, &s->nr_bugs, &P->cap_bugs, sizeof(*b));
	b->pos = scn_pos_at(P, t->col);
	b->name = name;
}

static const char *const order_names[] = { "in", "reversed", "random", NULL };

enum scn_order scn_order_value(struct scn_parser *P, const struct scn_tok *t)
{
	return (enum scn_order)scn_one_of(P, t, order_names, "order");
}

static const char *const device_keys[] = {
	"latency", "order",	      "batch",	 "workers", "seed",
	"options", "request-timeout", "backend", NULL,
};

static const char *device_backend(struct scn_parser *P, const struct scn_tok *t)
{
	struct vfsim_backend_spec spec;
	char msg[200];

	if (vfsim_backend_parse(t->text, &spec, msg, sizeof(msg)))
		scn_fail(P, -EINVAL, t->vcol, "%s", msg);
	return scn_strndup(P, t->text, strlen(t->text));
}

void scn_parse_device(struct scn_parser *P)
{
	struct scn_device *d = &P->s->device;

	scn_once(P, &P->toks[0], &d->pos);
	d->pos = scn_pos_at(P, P->toks[0].col);
	for (size_t i = 1; i < P->nr_toks; i++) {
		const struct scn_tok *t = &P->toks[i];
		int k = parse_config_key(P, t, device_keys, "device key",
					 &d->set);

		if (k == 0)
			d->latency_ns = scn_duration(P, t, "latency");
		else if (k == 1)
			d->order = scn_order_value(P, t);
		else if (k == 2)
			d->batch = (unsigned)scn_uint(P, t, 1, 1024, "batch");
		else if (k == 3)
			d->workers = (unsigned)scn_uint(P, t, 1, 64, "workers");
		else if (k == 4)
			d->seed = scn_uint(P, t, 0, UINT64_MAX, "seed");
		else if (k == 5)
			d->options = name_list(P, t,
					       scenario_device_option_names(),
					       "device option");
		else if (k == 6)
			d->request_timeout_s =
				timeout_secs(P, t, "request-timeout");
		else
			d->backend = device_backend(P, t);
	}
}

/*
 * The policy grammar is sched_policy_parse()'s, which touches no scheduler
 * state; the scenario keeps only its own message wording.
 */
void scn_parse_policy(struct scn_parser *P)
{
	struct scn_policy *pol = &P->s->policy;
	const struct scn_tok *t = scn_need(P, 1, "policy");
	const char *s = t->text;
	struct sched_policy_spec ps;
	uint32_t *list = NULL;
	size_t room = 1;
	int e;

	scn_once(P, &P->toks[0], &pol->pos);
	scn_no_var(P, t);
	if (t->kind != SCN_TK_WORD)
		scn_fail(P, -EINVAL, t->col,
			 "expected a policy word (fifo, random:SEED or "
			 "replay:I,J,...)");
	/*
	 * The arena copy of a replay list is made before parsing: scn_fail()
	 * must never run while ps owns heap memory. A list has at most one
	 * more item than the string has commas.
	 */
	for (const char *c = s; *c; c++)
		room += *c == ',';
	if (!strncmp(s, "replay:", 7))
		list = scn_alloc(P, room * sizeof(*list));
	e = sched_policy_parse(s, &ps, NULL, 0);
	if (!e && ps.kind == SCHED_POLICY_REPLAY) {
		assert(list && ps.nr <= room);
		if (ps.nr)
			memcpy(list, ps.replay, ps.nr * sizeof(*list));
		pol->replay = ps.nr ? list : NULL;
		pol->nr_replay = ps.nr;
	}
	sched_policy_spec_free(&ps);
	if (e == -EINVAL && ps.kind == SCHED_POLICY_NONE)
		scn_fail(
			P, -EINVAL, t->col,
			"unknown policy '%.40s' (expected fifo, random:SEED or "
			"replay:I,J,...)",
			s);
	if (e == -ERANGE)
		scn_fail(P, -ERANGE, t->col,
			 "number out of range in policy '%.40s' (seed: 64 "
			 "bits, replay choices: 32 bits)",
			 s);
	if (e)
		scn_fail(P, -EINVAL, t->col,
			 "malformed policy '%.40s' (expected random:SEED or "
			 "replay:I,J,... with decimal numbers)",
			 s);
	pol->kind = ps.kind == SCHED_POLICY_FIFO   ? SCN_POLICY_FIFO :
		    ps.kind == SCHED_POLICY_RANDOM ? SCN_POLICY_RANDOM :
						     SCN_POLICY_REPLAY;
	pol->seed = ps.seed;
	scn_no_more(P, 2);
	pol->pos = scn_pos_at(P, t->col);
	pol->spec = t->text;
}

/*
 * One rule in fault_plan_parse() syntax, checked by fault_plan_check()
 * (which adds nothing to the plan). The scenario's own rule is one rule per
 * line, and that a rule is one word: "nth=3" lexes as key=value, so it has
 * no point name.
 */
void scn_parse_fault(struct scn_parser *P)
{
	static const char prefix[] = "fault plan: ";
	struct scenario *s = P->s;
	const struct scn_tok *t = scn_need(P, 1, "fault rule");
	const char *why = NULL;
	struct scn_fault *f;
	char b[80], msg[FAULT_ERR_MAX];

	scn_no_var(P, t);
	if (t->kind == SCN_TK_STRING)
		scn_fail(P, -EINVAL, t->col,
			 "expected a fault rule word, found %s",
			 scn_tok_str(t, b, sizeof(b)));
	if (t->kind == SCN_TK_KEYVAL)
		why = "expected point:rule";
	else if (strchr(t->text, ';'))
		why = "one rule per 'fault' line (no ';')";
	else if (fault_plan_check(t->text, msg, sizeof(msg)))
		why = strncmp(msg, prefix, sizeof(prefix) - 1) ?
			      msg :
			      msg + sizeof(prefix) - 1;
	if (why)
		scn_fail(P, -EINVAL, t->col,
			 "bad fault rule '%s': %s (expected POINT:nth=N, "
			 "POINT:every, POINT:from=N[,count=M] or "
			 "POINT:site=FUNC[,nth=N])",
			 scn_tok_str(t, b, sizeof(b)), why);
	scn_no_more(P, 2);
	f = scn_push(P, &s->faults, &s->nr_faults, &P->cap_faults, sizeof(*f));
	f->pos = scn_pos_at(P, t->col);
	f->rule = t->text;
}

void scn_parse_migration(struct scn_parser *P)
{
	static const char *const pols[] = { "abort", "guest-error", NULL };
	struct scn_migration *m = &P->s->migration;
	const struct scn_tok *t = scn_need(P, 1, "policy=abort|guest-error");
	char b[80];

	scn_once(P, &P->toks[0], &m->pos);
	if (t->kind != SCN_TK_KEYVAL || strcmp(t->key, "policy"))
		scn_fail(P, -EINVAL, t->col,
			 "unexpected '%s' (expected policy=abort|guest-error)",
			 scn_tok_str(t, b, sizeof(b)));
	scn_no_var(P, t);
	m->policy = (enum scn_migration_policy)scn_one_of(P, t, pols,
							  "migration policy");
	scn_no_more(P, 2);
	m->pos = scn_pos_at(P, P->toks[0].col);
}

const char *scn_path(struct scn_parser *P, const struct scn_tok *t)
{
	const char *s = t->text;
	char b[80];

	if (t->kind == SCN_TK_KEYVAL)
		scn_fail(P, -EINVAL, t->col, "expected a path, found '%s'",
			 scn_tok_str(t, b, sizeof(b)));
	if (s[0] != '/' || strstr(s, "//") || strlen(s) > 4095 ||
	    (s[1] && s[strlen(s) - 1] == '/'))
		scn_fail(P, -EINVAL, t->col,
			 "bad path '%s' (expected an absolute path such as "
			 "/dir/file, no empty components, no trailing '/')",
			 scn_tok_str(t, b, sizeof(b)));
	return s;
}

void scn_parse_fs_entry(struct scn_parser *P)
{
	static const char *const kinds[] = { "dir", "file", "end", NULL };
	struct scenario *s = P->s;
	const struct scn_tok *t0 = &P->toks[0];
	int k = scn_one_of(P, t0, kinds, "fs entry");
	struct scn_fs_entry *e;
	const struct scn_tok *t;
	char b[80];

	assert(k < 2); /* `end` is handled by the caller */
	t = scn_need(P, 1, "path");
	scn_no_var(P, t);
	e = scn_push(P, &s->fs, &s->nr_fs, &P->cap_fs, sizeof(*e));
	e->pos = scn_pos_at(P, t0->col);
	e->kind = (enum scn_fs_kind)k;
	e->path = scn_path(P, t);
	if (k == SCN_FS_DIR) {
		scn_no_more(P, 2);
		return;
	}
	t = scn_need(P, 2, "size=SIZE or \"bytes\"");
	scn_no_var(P, t);
	if (t->kind == SCN_TK_STRING) {
		e->data = t->text;
		e->size = strlen(t->text);
	} else if (t->kind == SCN_TK_KEYVAL && !strcmp(t->key, "size")) {
		e->size = scn_size(P, t, "file size");
	} else {
		scn_fail(P, -EINVAL, t->col,
			 "unexpected '%s' (expected size=SIZE or \"bytes\")",
			 scn_tok_str(t, b, sizeof(b)));
	}
	scn_no_more(P, 3);
}
