/* profile_save.c - writing a run_config as a complete, commented YAML
 * profile: the settings table's rows with their help, then each
 * list-shaped section through its own writer. What it writes loads back
 * to the same config, and writing that again gives the same text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "settings.h"
#include "yaml_text.h"
#include "../util.h"


static const char HEADER[] =
    "melee profile: every setting of a run, as melee --print-profile and the console's "
    "save write it. Keys left out of a profile keep the built-in default; command-line "
    "flags override the profile. Load it with: melee -p FILE";

/* One setting row: "# help (allowed)" above "key: value"; the row is
 * commented out when its value is not set. */
static void write_row(sqlbuf *out, int indent, const setting *s, const run_config *c)
{
    sqlbuf value = SQLBUF_INIT, note = SQLBUF_INIT, allowed = SQLBUF_INIT;
    bool set = setting_format(s, c, &value);
    sb_add(&note, s->help);
    setting_allowed(s, &allowed);
    if (allowed.len)
        sb_printf(&note, " (%s)", sb_str(&allowed));
    yt_comment(out, indent, sb_str(&note));
    sb_printf(out, "%*s%s", indent, "", set ? "" : "# ");
    yt_name(out, s->key);
    sb_printf(out, ": %s\n", set ? sb_str(&value) : s->arg ? s->arg : "");
    sb_free(&allowed);
    sb_free(&note);
    sb_free(&value);
}

/* True when path is a direct child of parent ("" for the top level). */
static bool child_of(const char *path, const char *parent)
{
    size_t n = strlen(parent);
    if (!n)
        return !strchr(path, '.');
    return strncmp(path, parent, n) == 0 && path[n] == '.' && !strchr(path + n + 1, '.');
}

/* Writes the rows of section path, then its sub-sections, at indent. */
static void write_section(sqlbuf *out, int indent, const char *path, const run_config *c)
{
    size_t nrows, nsec;
    const setting *rows = settings_all(&nrows);
    const profile_section *secs = sections_all(&nsec);
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].key && strcmp(rows[i].section, path) == 0)
            write_row(out, indent, &rows[i], c);
    for (size_t i = 0; i < nsec; i++) {
        if (!child_of(secs[i].path, path))
            continue;
        const char *key = strrchr(secs[i].path, '.');
        key = key ? key + 1 : secs[i].path;
        if (!*path)
            sb_addc(out, '\n');
        if (secs[i].comment)
            yt_comment(out, indent, secs[i].comment);
        yt_key(out, indent, key);
        if (secs[i].save) {
            secs[i].save(out, indent, c);
        } else {
            sb_addc(out, '\n');
            write_section(out, indent + 2, secs[i].path, c);
        }
    }
}

char *profile_text(const run_config *c)
{
    sqlbuf out = SQLBUF_INIT;
    yt_comment(&out, 0, HEADER);
    sb_addc(&out, '\n');
    write_section(&out, 0, "", c);
    return sb_steal(&out);
}

int profile_save(const char *path, const run_config *c, char **err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        *err = xasprintf("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    char *text = profile_text(c);
    bool ok = fputs(text, f) >= 0;
    free(text);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        *err = xasprintf("cannot write %s: %s", path, strerror(errno));
    return ok ? 0 : -1;
}
