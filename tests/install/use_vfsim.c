// SPDX-License-Identifier: GPL-2.0-only
/*
 * use_vfsim.c - a user's program built against an installed libvfsim
 * (make check-install): it compiles with only the pkg-config flags and
 * the one installed header, and the library answers: its version, a
 * refused setting, and a machine that mounts.
 */
#include <stdio.h>
#include <string.h>
#include <vfsim/vfsim.h>

int main(void)
{
	struct vfsim_config bad = { .queue_size = 7 };
	struct vfsim *vm;
	struct vfsim_task *t;

	if (strcmp(vfsim_version(), VFSIM_VERSION)) {
		fprintf(stderr, "use_vfsim: header %s, library %s\n",
			VFSIM_VERSION, vfsim_version());
		return 1;
	}
	if (vfsim_machine_new(&bad) || !strstr(vfsim_error(), "queue-size")) {
		fprintf(stderr, "use_vfsim: queue_size 7 was not refused\n");
		return 1;
	}
	vm = vfsim_machine_new(NULL);
	t = vm ? vfsim_task_new(vm, "t") : NULL;
	if (!t || vfsim_op(t, "mount") != 1 || vfsim_task_start(t) ||
	    vfsim_run(vm) != VFSIM_DONE || vfsim_machine_free(vm)) {
		fprintf(stderr, "use_vfsim: %s\n", vfsim_error());
		return 1;
	}
	puts("use_vfsim: ok");
	return 0;
}
