/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scenario_samples.h - valid scenarios shared by the scenario parser suites.
 */
#ifndef VFSIM_TESTS_CLI_SCENARIO_SAMPLES_H
#define VFSIM_TESTS_CLI_SCENARIO_SAMPLES_H

/* A scenario using every statement kind (test_scenario_parse_samples.c). */
extern const char scn_sample_full[];

/* Valid scenarios, NULL-terminated; the first is scn_sample_full. */
extern const char *const scn_samples[];

#endif
