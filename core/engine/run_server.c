/* run_server.c - the settings the private server was started with, as
 * the console's header and the summary show them. */
#include <string.h>

#include "run_internal.h"
#include "../sqlbuf.h"
#include "../util.h"

void run_set_server_settings(run *r, const char *const *names, const char *const *values,
                             size_t n)
{
    json_object *o = json_object_new_object();
    sqlbuf line = SQLBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        json_object_object_add(o, names[i], json_object_new_string(values[i]));
        sb_printf(&line, "%s%s=%s", i ? " " : "", names[i], values[i]);
    }
    json_object_put(r->server_settings);
    r->server_settings = o;
    free(r->server_settings_line);
    r->server_settings_line = xstrdup(sb_str(&line));
    sb_free(&line);
}

const char *run_server_settings(run *r)
{
    return r->server_settings_line ? r->server_settings_line : "";
}
