/* Tests of the fault settings: the profile's nemesis and server sections
 * and the --nemesis* flags land in the config; bad values name FILE:LINE:COL
 * and what is allowed; the defaults are the fault kinds' defaults; a
 * profile written by melee loads back to the same text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/workloads.h"
#include "core/config/cli.h"
#include "core/config/config.h"
#include "core/config/profile.h"
#include "core/util.h"

/* Writes text to a fresh file; returns its path (static). */
static const char *profile_with(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/melee-nemesis-profile.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Loads text onto the defaults; returns profile_load's status. */
static int load(const char *text, run_config *c, char **err)
{
    config_defaults(c);
    *err = NULL;
    const char *path = profile_with(text);
    int rc = profile_load(path, c, err);
    unlink(path);
    return rc;
}

static const char FULL[] =
    "nemesis:\n"
    "  faults: [kill, partition]\n"
    "  order: cycle\n"
    "  interval: 3.5\n"
    "  duration: 2\n"
    "  quiet: 1\n"
    "  recovery: 4\n"
    "  target: all\n"
    "  latency: {ms: 120, jitter_ms: 10, direction: upstream}\n"
    "  bandwidth: {rate: 16}\n"
    "  clock: {offset_s: -60}\n"
    "  nodes:\n"
    "    - {name: n1, host: 10.0.0.1, kill: [ssh, \"{host}\", pkill, -9, postgres],\n"
    "       start: [ssh, \"{host}\", systemctl, start, postgresql]}\n"
    "    - {name: n2, pause: [kill, -STOP, \"1\"]}\n"
    "server:\n"
    "  settings: {synchronous_commit: \"on\", wal_writer_delay: 50ms}\n";

static void profile_sections_land_in_the_config(void **state)
{
    (void)state;
    run_config c;
    char *err;
    assert_int_equal(load(FULL, &c, &err), 0);
    nemesis_cfg n = nemesis_opts_cfg(&c.nemesis);
    assert_int_equal(n.schedule.nkinds, 2);
    assert_int_equal(n.schedule.kinds[0], FK_KILL);
    assert_int_equal(n.schedule.kinds[1], FK_PARTITION);
    assert_int_equal(n.schedule.order, ORDER_CYCLE);
    assert_true(n.schedule.interval_s == 3.5 && n.schedule.duration_s == 2);
    assert_true(n.schedule.quiet_s == 1 && n.schedule.recovery_s == 4);
    assert_int_equal(n.params.target, TARGET_ALL);
    assert_int_equal(n.params.latency_ms, 120);
    assert_int_equal(n.params.jitter_ms, 10);
    assert_int_equal(n.params.stream, FS_UPSTREAM);
    assert_int_equal(n.params.rate_kbps, 16);
    assert_true(n.params.clock_offset_s == -60);
    assert_true(nemesis_opts_need_proxy(&c.nemesis));
    assert_int_equal(c.nemesis.nnodes, 2);
    assert_string_equal(c.nemesis.nodes[0].host, "10.0.0.1");
    assert_string_equal(c.nemesis.nodes[0].argv[RA_KILL][1], "{host}");
    assert_null(c.nemesis.nodes[0].argv[RA_PAUSE]);
    assert_string_equal(c.nemesis.nodes[1].host, "n2");   /* host defaults to the name */
    assert_int_equal(c.nserver_settings, 2);
    assert_string_equal(c.server_settings[1].name, "wal_writer_delay");
    assert_string_equal(c.server_settings[1].value, "50ms");
    /* Written by melee, read back: the same text. */
    char *text = profile_text(&c);
    run_config again;
    assert_int_equal(load(text, &again, &err), 0);
    char *text2 = profile_text(&again);
    assert_string_equal(text, text2);
    free(text);
    free(text2);
    config_free(&again);
    config_free(&c);
}

static void bad_values_name_where_and_what(void **state)
{
    (void)state;
    static const struct { const char *text, *where, *what; } CASES[] = {
        {"nemesis:\n  faults: [kill, flood]\n", ":2:", "kill | pause"},
        {"nemesis:\n  interval: 0\n", ":2:", "nemesis.interval must be between 0.1"},
        {"nemesis:\n  latency: {direction: sideways}\n", ":2:", "both | upstream | downstream"},
        {"nemesis:\n  nodes:\n    - {host: h}\n", ":3:", "a node needs a name"},
        {"nemesis:\n  nodes:\n    - {name: a, reboot: [x]}\n", ":3:", "unknown key 'reboot'"},
        {"nemesis:\n  nodes:\n    - {name: a, kill: []}\n", ":3:", "the kill command is empty"},
        {"nemesis:\n  storm: 1\n", ":2:", "unknown key 'storm'"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        run_config c;
        char *err;
        assert_int_equal(load(CASES[i].text, &c, &err), -1);
        if (!strstr(err, CASES[i].where) || !strstr(err, CASES[i].what))
            fail_msg("case %zu: %s", i, err);
        free(err);
        config_free(&c);
    }
}

static void flags_set_the_schedule(void **state)
{
    (void)state;
    char *argv[] = {"melee", "--nemesis", "pause,clock", "--nemesis-interval", "3",
                    "--nemesis-duration", "1.5", "--nemesis-quiet", "0", "--nemesis-recovery",
                    "2", NULL};
    run_config c;
    cli_opts o;
    assert_int_equal(cli_parse(11, argv, &c, &o), 0);
    nemesis_cfg n = nemesis_opts_cfg(&c.nemesis);
    assert_int_equal(n.schedule.nkinds, 2);
    assert_int_equal(n.schedule.kinds[1], FK_CLOCK);
    assert_true(n.schedule.interval_s == 3 && n.schedule.duration_s == 1.5);
    assert_true(n.schedule.quiet_s == 0 && n.schedule.recovery_s == 2);
    assert_true(nemesis_opts_has(&c.nemesis, FK_PAUSE));
    assert_false(nemesis_opts_need_proxy(&c.nemesis));
    config_free(&c);
}

static void defaults_are_the_kinds_defaults(void **state)
{
    (void)state;
    run_config c;
    config_defaults(&c);
    nemesis_cfg n = nemesis_opts_cfg(&c.nemesis);
    assert_int_equal(n.schedule.nkinds, 0);
    const fault_params *d = &FAULT_PARAMS_DEFAULT;
    assert_int_equal(n.params.latency_ms, d->latency_ms);
    assert_int_equal(n.params.jitter_ms, d->jitter_ms);
    assert_int_equal(n.params.rate_kbps, d->rate_kbps);
    assert_int_equal(n.params.stream, d->stream);
    assert_int_equal(n.params.target, d->target);
    assert_true(n.params.toxicity == d->toxicity);
    assert_true(n.params.clock_offset_s == d->clock_offset_s);
    config_free(&c);
}

int main(void)
{
    /* The settings' workload names come from the installed workloads. */
    builtin_workloads_install();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(profile_sections_land_in_the_config),
        cmocka_unit_test(bad_values_name_where_and_what),
        cmocka_unit_test(flags_set_the_schedule),
        cmocka_unit_test(defaults_are_the_kinds_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
