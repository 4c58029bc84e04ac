/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file scenario.h
 * @brief The scenario language: a validated syntax tree of a .vfs file.
 *
 * A scenario file describes one run of the machine: its configuration, the
 * guest tasks and the operations they perform, device and transport events
 * at points in the run, the run control and the expectations that make the
 * scenario a test. docs/scenarios.md is the language reference.
 *
 * scenario_parse_file() / scenario_parse_string() read the text into a
 * struct scenario or fail at the first error with "FILE:LINE:COL: error:
 * ..." in struct scenario_error. A tree that parsed is fully checked: every
 * keyword, number, unit, errno name, bug switch, variant, handle and task
 * reference is valid, so the executor only binds it to the machine.
 *
 * Every node carries its source position (struct scn_pos). Values are
 * typed: durations in nanoseconds, sizes in bytes, errnos as negative ints.
 * Every string in the tree is owned by the scenario and NUL-terminated.
 *
 * Inside a `repeat` body, text (paths, handle names, data) may use the
 * iteration variable `$i`. The tree keeps such text as a template: the
 * byte SCN_ITER_MARK stands where `$i` was written (scenario text cannot
 * contain that byte otherwise), and scenario_expand() produces the text of
 * one iteration. Text without the mark is used as is.
 *
 * scenario_dump() prints a tree back in canonical syntax; parsing the dump
 * gives the same tree (positions aside).
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_SCENARIO_H
#define VFSIM_SIM_CLI_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** @brief Byte that stands for `$i` in a template (see scenario_expand()). */
#define SCN_ITER_MARK '\001'

/** @brief Where a node starts in its scenario file (1-based). */
struct scn_pos {
	const char *file; ///< file name as given to the parser
	unsigned line;	  ///< line number, 1-based
	unsigned col;	  ///< column, 1-based, a tab counts as one column
};

/** @brief Comparison operator of an expectation. */
enum scn_cmp {
	SCN_CMP_EQ, ///< ==
	SCN_CMP_NE, ///< !=
	SCN_CMP_LT, ///< <
	SCN_CMP_LE, ///< <=
	SCN_CMP_GT, ///< >
	SCN_CMP_GE, ///< >=
};

/** @name Bits of scn_machine::set: which keys the `machine` line gave */
///@{
#define SCN_MACHINE_TAG	       (1u << 0) ///< tag=
#define SCN_MACHINE_QUEUES     (1u << 1) ///< queues=
#define SCN_MACHINE_QUEUE_SIZE (1u << 2) ///< queue-size=
#define SCN_MACHINE_VARIANT    (1u << 3) ///< variant= (older spelling)
#define SCN_MACHINE_CPUS       (1u << 4) ///< cpus=
#define SCN_MACHINE_EVENT_IDX  (1u << 5) ///< event-idx=
#define SCN_MACHINE_INDIRECT   (1u << 6) ///< indirect=
#define SCN_MACHINE_DAX_WINDOW (1u << 7) ///< dax-window=
#define SCN_MACHINE_TIMEOUT    (1u << 8) ///< timeout= (older spelling)
#define SCN_MACHINE_DEVICES    (1u << 9) ///< devices=
///@}

/**
 * @brief The `machine` line. Fields not given hold their defaults (see
 * docs/scenarios.md), so the executor can use every field as is.
 */
struct scn_machine {
	struct scn_pos pos;  ///< the `machine` keyword (line 0: no such line)
	unsigned set;	     ///< SCN_MACHINE_* bits of the keys given
	const char *tag;     ///< mount tag (default "myfs")
	unsigned queues;     ///< number of request queues, 1..64 (default 1)
	unsigned queue_size; ///< ring size, a power of two 2..32768 (128)
	unsigned cpus;	     ///< guest CPUs, 1..64 (default 1)
	bool event_idx;	     ///< VIRTIO_RING_F_EVENT_IDX negotiated (off)
	bool indirect;	     ///< VIRTIO_RING_F_INDIRECT_DESC negotiated (off)
	uint64_t dax_window; ///< DAX window bytes, 0 = none (default 0)
	/** virtio-fs devices exporting the tag, 1 or 2 (default 1); the
	 *  second one's probe finds the tag taken */
	unsigned devices;
};

/** @name Bits of scn_driver::set: which keys were given */
///@{
#define SCN_DRIVER_VARIANT     (1u << 0) ///< variant=
#define SCN_DRIVER_TIMEOUT     (1u << 1) ///< timeout=
#define SCN_DRIVER_MAX_TIMEOUT (1u << 2) ///< max-timeout=
#define SCN_DRIVER_OPTIONS     (1u << 3) ///< options=
///@}

/**
 * @brief The guest driver: the `driver` line (or, in the older spelling,
 * `variant=` and `timeout=` on the `machine` line).
 */
struct scn_driver {
	struct scn_pos pos;	    ///< the `driver` keyword (line 0: none)
	unsigned set;		    ///< SCN_DRIVER_* bits of the keys given
	const char *variant;	    ///< variant name (default "mainline")
	struct scn_pos variant_pos; ///< where the variant was given
	/** fs.fuse.default_request_timeout, seconds (0: none) */
	unsigned timeout_s;
	struct scn_pos timeout_pos; ///< where timeout= was given
	/** fs.fuse.max_request_timeout, seconds (0: none) */
	unsigned max_timeout_s;
	uint32_t options; ///< vfsim driver options, 1 << enum virtio_fs_option
};

/** @brief One `bug NAME` line: a historical bug switch turned on. */
struct scn_bug {
	struct scn_pos pos; ///< the name's position
	const char *name;   ///< a name from scenario_bug_names()
};

/** @brief Order in which the device completes a batch of requests. */
enum scn_order {
	SCN_ORDER_IN,	    ///< `in`: in the order they were made available
	SCN_ORDER_REVERSED, ///< `reversed`: last one first
	SCN_ORDER_RANDOM,   ///< `random`: shuffled with the device seed
};

/** @name Bits of scn_device::set: which keys the `device` line gave */
///@{
#define SCN_DEVICE_LATENCY	   (1u << 0) ///< latency=
#define SCN_DEVICE_ORDER	   (1u << 1) ///< order=
#define SCN_DEVICE_BATCH	   (1u << 2) ///< batch=
#define SCN_DEVICE_WORKERS	   (1u << 3) ///< workers=
#define SCN_DEVICE_SEED		   (1u << 4) ///< seed=
#define SCN_DEVICE_OPTIONS	   (1u << 5) ///< options=
#define SCN_DEVICE_REQUEST_TIMEOUT (1u << 6) ///< request-timeout=
#define SCN_DEVICE_BACKEND	   (1u << 7) ///< backend=
///@}

/** @brief The `device` configuration line (defaults where not given). */
struct scn_device {
	struct scn_pos pos;   ///< the `device` keyword (line 0: no such line)
	unsigned set;	      ///< SCN_DEVICE_* bits of the keys given
	uint64_t latency_ns;  ///< time a request spends in the device (0)
	enum scn_order order; ///< completion order (SCN_ORDER_IN)
	unsigned batch;	      ///< requests taken per kick, 1..1024 (1)
	unsigned workers;     ///< device worker threads, 1..64 (1)
	uint64_t seed;	      ///< seed of order=random (0)
	/** vfsim's own device behaviours, 1 << enum vfs_dev_option (none:
	 *  the device does what virtiofsd 1.13 does) */
	uint32_t options;
	/** the request timeout the server asks for in INIT, seconds (0:
	 *  none, as virtiofsd) */
	unsigned request_timeout_s;
	/** `backend=`: where the device runs (sim/cli/backend.h), or NULL
	 *  for the in-process device */
	const char *backend;
};

/** @brief Scheduling policy kind. */
enum scn_policy_kind {
	SCN_POLICY_FIFO,   ///< run-queue order
	SCN_POLICY_RANDOM, ///< seeded pseudo-random choices
	SCN_POLICY_REPLAY, ///< a recorded list of choices
};

/** @brief The `policy` line (default fifo). */
struct scn_policy {
	struct scn_pos pos; ///< the policy's position (line 0: not given)
	enum scn_policy_kind kind; ///< which policy
	const char *spec;	   ///< validated sched_set_policy() string
	uint64_t seed;		   ///< random: the seed
	const uint32_t *replay;	   ///< replay: the choices (NULL when none)
	size_t nr_replay;	   ///< replay: number of choices
};

/** @brief One `fault RULE` line. */
struct scn_fault {
	struct scn_pos pos; ///< the rule's position
	const char *rule;   ///< one rule in fault_plan_parse() syntax
};

/** @brief What a failed migration does. */
enum scn_migration_policy {
	SCN_MIGRATION_ABORT,	   ///< `abort`: the source keeps running
	SCN_MIGRATION_GUEST_ERROR, ///< `guest-error`: requests fail in the guest
};

/** @brief The `migration` line. */
struct scn_migration {
	struct scn_pos pos;		  ///< the keyword (line 0: not given)
	enum scn_migration_policy policy; ///< default SCN_MIGRATION_ABORT
	/** build the destination even without a `migrate` action (set by
	 *  the library, whose vfsim_migrate() comes at run time; the
	 *  language has no syntax for it) */
	bool prepare;
};

/** @brief Kind of an initial file system entry. */
enum scn_fs_kind {
	SCN_FS_DIR,  ///< `dir PATH`
	SCN_FS_FILE, ///< `file PATH size=N` or `file PATH "bytes"`
};

/** @brief One entry of the `fs` block (the device's initial content). */
struct scn_fs_entry {
	struct scn_pos pos;    ///< the entry's keyword
	enum scn_fs_kind kind; ///< directory or file
	const char *path;      ///< absolute path
	const char *data;      ///< file: given bytes, or NULL for a pattern
	uint64_t size;	       ///< file: size in bytes (strlen(data) if given)
};

/** @brief Guest operation or block kind in a task body. */
enum scn_op_kind {
	SCN_OP_MOUNT,	   ///< mount [TAG]
	SCN_OP_UMOUNT,	   ///< umount
	SCN_OP_FREEZE,	   ///< freeze
	SCN_OP_LOOKUP,	   ///< lookup PATH
	SCN_OP_FORGET,	   ///< forget PATH [N]
	SCN_OP_FORGET_ALL, ///< forget-all
	SCN_OP_GETATTR,	   ///< getattr PATH
	SCN_OP_SETATTR,	   ///< setattr PATH [mode=OCT] [size=N]
	SCN_OP_OPEN,	   ///< open PATH as HANDLE [ro|wo|rw] [trunc]
	SCN_OP_CREATE,	   ///< create PATH as HANDLE [mode=OCT]
	SCN_OP_OPENDIR,	   ///< opendir PATH as HANDLE
	SCN_OP_READ,	   ///< read HANDLE OFFSET SIZE [expect=STRING]
	SCN_OP_WRITE,	   ///< write HANDLE OFFSET STRING|size=N
	SCN_OP_FLUSH,	   ///< flush HANDLE
	SCN_OP_RELEASE,	   ///< release HANDLE
	SCN_OP_RELEASEDIR, ///< releasedir HANDLE
	SCN_OP_READDIR,	   ///< readdir HANDLE [expect=N]
	SCN_OP_MKDIR,	   ///< mkdir PATH
	SCN_OP_UNLINK,	   ///< unlink PATH
	SCN_OP_RMDIR,	   ///< rmdir PATH
	SCN_OP_RENAME,	   ///< rename PATH PATH
	SCN_OP_GETLK,	   ///< getlk HANDLE r|w START LEN
	SCN_OP_SETLK,	   ///< setlk HANDLE r|w|u START LEN
	SCN_OP_SETLKW,	   ///< setlkw HANDLE r|w|u START LEN
	SCN_OP_DAX_MAP,	   ///< dax-map HANDLE FOFFSET LEN MOFFSET [rw|ro]
	SCN_OP_DAX_UNMAP,  ///< dax-unmap MOFFSET LEN
	SCN_OP_SLEEP,	   ///< sleep DURATION
	SCN_OP_YIELD,	   ///< yield
	SCN_OP_REPEAT,	   ///< repeat N ... end (a block, not an operation)
};

/** @brief Access mode of `open`. */
enum scn_access {
	SCN_ACCESS_RO, ///< ro (the default)
	SCN_ACCESS_WO, ///< wo
	SCN_ACCESS_RW, ///< rw
};

/** @brief Lock type of getlk/setlk/setlkw. */
enum scn_lock {
	SCN_LOCK_READ,	///< r (F_RDLCK)
	SCN_LOCK_WRITE, ///< w (F_WRLCK)
	SCN_LOCK_UNLOCK ///< u (F_UNLCK; not for getlk)
};

/** @name Bits of scn_op::set: which optional arguments an op gave */
///@{
#define SCN_ARG_TAG    (1u << 0) ///< mount: a tag was given
#define SCN_ARG_COUNT  (1u << 1) ///< forget: N was given
#define SCN_ARG_MODE   (1u << 2) ///< setattr/create: mode= was given
#define SCN_ARG_SIZE   (1u << 3) ///< setattr/write: size= was given
#define SCN_ARG_EXPECT (1u << 4) ///< read/readdir: expect= was given
#define SCN_ARG_ACCESS (1u << 5) ///< open: ro/wo/rw given; dax-map: ro/rw given
#define SCN_ARG_TRUNC  (1u << 6) ///< open: trunc was given
#define SCN_ARG_DAX_RO (1u << 7) ///< dax-map: ro (else rw)
///@}

/**
 * @brief One guest operation (or a `repeat` block) of a task.
 *
 * One flat node for every kind: each kind uses the fields its syntax names
 * and leaves the others zero. Text fields are templates (see the file
 * comment) when the op sits inside a repeat.
 */
struct scn_op {
	struct scn_pos pos;    ///< the operation's keyword
	enum scn_op_kind kind; ///< which operation
	/**
	 * Position of the op among the task's operations, 1-based, counted
	 * in source order through repeat bodies (the repeat line itself is
	 * not counted); `expect task T op N` names it. 0 for a repeat.
	 */
	unsigned ordinal;
	unsigned set;	    ///< SCN_ARG_* bits of the optional args given
	const char *path;   ///< path ops: the path; rename: the source
	const char *path2;  ///< rename: the target
	const char *handle; ///< handle ops: the handle's name
	const char *tag;    ///< mount: the tag (NULL: the machine's)
	const char *data;   ///< write: bytes; read: expected bytes
	uint64_t offset;    ///< read/write: file offset; locks: start;
			    ///< dax-map: file offset; dax-unmap: window offset
	uint64_t size;	    ///< read: bytes; write/setattr: size=; locks:
			    ///< length (0 = to EOF); dax: length
	uint64_t moffset;   ///< dax-map: window offset
	uint64_t count;	    ///< forget: nlookup to drop (1); readdir: expect=
	uint32_t mode;	    ///< setattr/create: permission bits (create 0644)
	enum scn_access access; ///< open: access mode
	enum scn_lock lock;	///< lock ops: the lock type
	uint64_t ns;		///< sleep: virtual nanoseconds
	uint64_t repeat;	///< repeat: iterations, 1..1000000
	struct scn_op *body;	///< repeat: the body
	size_t nr_body;		///< repeat: number of ops in the body
};

/** @brief One `task NAME ... end` block. */
struct scn_task {
	struct scn_pos pos;  ///< the `task` keyword
	const char *name;    ///< unique task name
	int cpu;	     ///< cpu=N, or -1 when not given
	bool stop_on_error;  ///< `stop-on-error`: stop at the first failing op
	bool daemon;	     ///< `daemon`: `run` does not wait for it
	struct scn_op *ops;  ///< the body
	size_t nr_ops;	     ///< number of top-level ops in the body
	unsigned nr_ordinal; ///< number of operations counted by ordinal
};

/** @brief How a trace event is matched (by `on` and `run until`). */
enum scn_match_kind {
	SCN_MATCH_KIND, ///< a word: event kind, optionally "kind:func"
	SCN_MATCH_TEXT, ///< a string: the event's text contains it
};

/** @brief A trace event pattern. */
struct scn_match {
	struct scn_pos pos;	  ///< the pattern's position
	enum scn_match_kind kind; ///< by kind or by text
	const char *ev_kind;	  ///< KIND: the event kind, e.g. "kick"
	const char *func;	  ///< KIND: the function, or NULL for any
	const char *text;	  ///< TEXT: the text to find
};

/** @brief Action of an `at`/`on` block. */
enum scn_action_kind {
	SCN_ACT_DEVICE_PAUSE,	///< device pause
	SCN_ACT_DEVICE_RESUME,	///< device resume
	SCN_ACT_DEVICE_DIE,	///< device die
	SCN_ACT_DEVICE_LATENCY, ///< device latency=DURATION
	SCN_ACT_DEVICE_ORDER,	///< device order=in|reversed|random
	SCN_ACT_UNPLUG,		///< unplug
	SCN_ACT_MIGRATE,	///< migrate
	SCN_ACT_FREEZE,		///< freeze
	SCN_ACT_RESTORE,	///< restore
	SCN_ACT_PICTURE,	///< picture ring QUEUE [as FILE]
	SCN_ACT_MARK,		///< mark TEXT
};

/** @brief One action of an `at`/`on` block. */
struct scn_action {
	struct scn_pos pos;	   ///< the action's keyword
	enum scn_action_kind kind; ///< which action
	uint64_t ns;		   ///< DEVICE_LATENCY: the new latency
	enum scn_order order;	   ///< DEVICE_ORDER: the new order
	const char *queue;	   ///< PICTURE: "hiprio" or "requests"
	unsigned queue_index;	   ///< PICTURE: request queue index
	const char *file;	   ///< PICTURE: output file, or NULL
	const char *text;	   ///< MARK: the note
};

/** @brief Kind of an event block. */
enum scn_trigger_kind {
	SCN_TRIGGER_AT, ///< `at DURATION`: at that virtual time
	SCN_TRIGGER_ON, ///< `on EVENT`: the first time an event matches
};

/** @brief An `at`/`on` block: actions fired at a point of the run. */
struct scn_trigger {
	struct scn_pos pos;	    ///< the `at`/`on` keyword
	enum scn_trigger_kind kind; ///< time or event
	uint64_t ns;		    ///< AT: virtual time
	struct scn_match match;	    ///< ON: the event
	struct scn_action *actions; ///< the actions, in order
	size_t nr_actions;	    ///< number of actions (>= 1)
};

/** @brief Kind of an expectation. */
enum scn_expect_kind {
	SCN_EXPECT_QUEUE,	     ///< QUEUE.FIELD OP VALUE
	SCN_EXPECT_DEVICE,	     ///< device.FIELD OP VALUE
	SCN_EXPECT_TASK_RETURNS,     ///< task NAME [op N] returns ERR
	SCN_EXPECT_TASK_STATE,	     ///< task NAME done|blocked
	SCN_EXPECT_TRACE_CONTAINS,   ///< trace contains "TEXT"
	SCN_EXPECT_TRACE_LACKS,	     ///< trace lacks "TEXT"
	SCN_EXPECT_TRACE_COUNT,	     ///< trace count "TEXT" OP N
	SCN_EXPECT_NO_LEAKS,	     ///< no leaks
	SCN_EXPECT_REPORTS,	     ///< reports [KIND] OP N
	SCN_EXPECT_REPORT,	     ///< report KIND
	SCN_EXPECT_LOOKUPS_BALANCED, ///< lookups balanced
	SCN_EXPECT_STATUS,	     ///< status deadlock|done
	SCN_EXPECT_LEAKS,	     ///< leaks OP N
};

/** @brief State of a task checked by `expect task NAME done|blocked`. */
enum scn_task_state {
	SCN_TASK_DONE,	  ///< the task finished
	SCN_TASK_BLOCKED, ///< the task is blocked
};

/** @brief Outcome of the run checked by `expect status`. */
enum scn_status {
	SCN_STATUS_DONE,     ///< every non-daemon task finished
	SCN_STATUS_DEADLOCK, ///< no task could run
};

/** @brief One expectation. */
struct scn_expect {
	enum scn_expect_kind kind;   ///< which check
	const char *queue;	     ///< QUEUE: "hiprio" or "requests"
	unsigned queue_index;	     ///< QUEUE: request queue index
	const char *field;	     ///< QUEUE/DEVICE: the field name
	enum scn_cmp cmp;	     ///< QUEUE/DEVICE/TRACE_COUNT/REPORTS/LEAKS
	int64_t value;		     ///< right-hand side of cmp
	const struct scn_task *task; ///< TASK_*: the task
	unsigned op;		     ///< TASK_RETURNS: ordinal, 0 = last op
	int err;		     ///< TASK_RETURNS: 0 or a negative errno
	enum scn_task_state state;   ///< TASK_STATE: the state
	const char *
		text; ///< TRACE_*: the text; REPORT, REPORTS: the kind (REPORTS: NULL for all)
	enum scn_status status; ///< STATUS: the outcome
};

/** @brief Kind of a run-program item. */
enum scn_run_kind {
	SCN_RUN,	    ///< run
	SCN_RUN_UNTIL,	    ///< run until EVENT
	SCN_RUN_UNTIL_TIME, ///< run until time DURATION
	SCN_STEP,	    ///< step N
	SCN_EXPECT,	    ///< expect ...
};

/** @brief One item of the run program, executed in order. */
struct scn_run_item {
	struct scn_pos pos;	  ///< the item's keyword
	enum scn_run_kind kind;	  ///< which item
	struct scn_match match;	  ///< RUN_UNTIL: the event
	uint64_t ns;		  ///< RUN_UNTIL_TIME: the virtual time
	uint64_t steps;		  ///< STEP: scheduling steps, 1..1000000000
	struct scn_expect expect; ///< EXPECT: the check
};

/** @brief A whole scenario. */
struct scenario {
	const char *file;		///< file name given to the parser
	struct scn_machine machine;	///< machine configuration
	struct scn_driver driver;	///< guest driver configuration
	struct scn_bug *bugs;		///< bug switches, in order
	size_t nr_bugs;			///< number of bug switches
	struct scn_device device;	///< device configuration
	struct scn_policy policy;	///< scheduling policy
	struct scn_fault *faults;	///< fault rules, in order
	size_t nr_faults;		///< number of fault rules
	struct scn_migration migration; ///< migration configuration
	struct scn_pos fs_pos;		///< the `fs` keyword (line 0: none)
	struct scn_fs_entry *fs;	///< initial file system entries
	size_t nr_fs;			///< number of fs entries
	struct scn_task *tasks;		///< guest tasks, in order
	size_t nr_tasks;		///< number of tasks
	struct scn_trigger *triggers;	///< at/on blocks, in order
	size_t nr_triggers;		///< number of at/on blocks
	struct scn_run_item *run;	///< the run program
	size_t nr_run;			///< number of run items
	void *arena;			///< private: owner of every allocation
	/** private: a number no other parsed scenario of this process had
	 *  (0: built by hand), so that what is cached for one (the trace
	 *  header of vfsim_machine_reuse()) is never another's, even at the
	 *  same address after a scenario_free() */
	uint64_t serial;
};

/** @brief Longest message of a struct scenario_error (with the NUL). */
#define SCENARIO_ERROR_MAX 1024

/** @brief The first error of a failed parse. */
struct scenario_error {
	int code;      ///< negative errno, as returned
	unsigned line; ///< 1-based line, 0 when the file could not be read
	unsigned col;  ///< 1-based column, 0 when the file could not be read
	/** "FILE:LINE:COL: error: WHAT (expected ...)" */
	char msg[SCENARIO_ERROR_MAX];
};

/**
 * @brief Parse the scenario file @p path.
 * @param path file to read
 * @param out on success the scenario (free with scenario_free())
 * @param err on failure the first error (may be NULL)
 * @return 0; a negative errno from open/read for an unreadable file, else
 *         as scenario_parse_string()
 */
int scenario_parse_file(const char *path, struct scenario **out,
			struct scenario_error *err);

/**
 * @brief Parse scenario text.
 * @param name file name used in positions and messages
 * @param text the text (NUL-terminated; a NUL byte ends it)
 * @param out on success the scenario (free with scenario_free())
 * @param err on failure the first error (may be NULL)
 * @return 0; -EINVAL for a syntax error (unknown keyword, operation, field,
 *         name or unit, malformed token, misplaced or unbalanced block),
 *         -ERANGE for a number out of range or overflowing, -EEXIST for a
 *         duplicate (task, handle kind, machine, ...), -ENOENT for a
 *         reference to something not defined (handle, task)
 */
int scenario_parse_string(const char *name, const char *text,
			  struct scenario **out, struct scenario_error *err);

/** @brief Free a scenario (NULL is fine). */
void scenario_free(struct scenario *s);

/**
 * @brief Print @p s in canonical scenario syntax; parsing the output gives
 * the same tree, positions aside.
 */
void scenario_dump(FILE *f, const struct scenario *s);

/**
 * @brief Expand template @p tmpl for iteration @p i: every SCN_ITER_MARK
 * becomes the decimal number @p i.
 * @return the length of the expansion; like snprintf(), at most @p size - 1
 *         bytes and a NUL are written
 */
size_t scenario_expand(const char *tmpl, unsigned long i, char *buf,
		       size_t size);

/**
 * @brief The historical bug switch names the language accepts.
 * @return a NULL-terminated array of static strings
 */
const char *const *scenario_bug_names(void);

/**
 * @brief The driver variant names the language accepts.
 * @return a NULL-terminated array of static strings
 */
const char *const *scenario_variant_names(void);

/**
 * @brief The driver option names the language accepts (`driver
 * options=`).
 * @return a NULL-terminated array of static strings
 */
const char *const *scenario_driver_option_names(void);

/**
 * @brief The device option names the language accepts (`device
 * options=`).
 * @return a NULL-terminated array of static strings
 */
const char *const *scenario_device_option_names(void);

/**
 * @brief Parse a duration as the language writes one ("10ms": a decimal
 * number and a unit, ns, us, ms or s), e.g. for a command-line option.
 * @param text the duration
 * @param what what it is for, named in the message
 * @param ns set to the duration in nanoseconds
 * @param msg where a failure's message goes (the parser's own words)
 * @param msgsize size of @p msg
 * @return 0; -EINVAL for no number or a missing or unknown unit, -ERANGE
 *         for a duration past 2^64-1 ns
 */
int scenario_parse_duration(const char *text, const char *what, uint64_t *ns,
			    char *msg, size_t msgsize);

/**
 * @brief Write @p ns in its largest exact unit ("1500us", not
 * "1500000ns"), as scenario_dump() does.
 * @return the length, like snprintf()
 */
size_t scenario_format_duration(uint64_t ns, char *buf, size_t size);

/** @brief Canonical spelling of a comparison operator, e.g. "<=". */
const char *scenario_cmp_name(enum scn_cmp cmp);

/** @brief Canonical keyword of an operation kind, e.g. "dax-map". */
const char *scenario_op_name(enum scn_op_kind kind);

/**
 * @brief Word an error found after parsing (while a machine is built from
 * the scenario, or a back end is checked against it) the way the parser
 * words its own: "FILE:LINE:COL: error: " and the message, into @p err.
 * No position when @p pos is NULL or has no line; nothing when @p errsize
 * is 0.
 * @return -EINVAL, for `return scn_fail_at(...)`
 */
int scn_fail_at(char *err, size_t errsize, const struct scn_pos *pos,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* VFSIM_SIM_CLI_SCENARIO_H */
