/* remote.c - running node command templates with posix_spawnp: no shell,
 * output through a pipe, a deadline. */
#include "remote.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util.h"

extern char **environ;

static const char *const ACTION_NAMES[RA_COUNT] = {
    [RA_KILL] = "kill",   [RA_START] = "start",         [RA_PAUSE] = "pause",
    [RA_RESUME] = "resume", [RA_PARTITION] = "partition", [RA_HEAL] = "heal",
};

/* Placeholders an argument may hold. */
typedef struct placeholder {
    const char *mark;
    size_t offset;             /* of the char * in remote_node */
} placeholder;

static const placeholder PLACEHOLDERS[] = {
    {"{name}", offsetof(remote_node, name)},
    {"{host}", offsetof(remote_node, host)},
};

const char *remote_action_name(remote_action a)
{
    return a < RA_COUNT ? ACTION_NAMES[a] : "?";
}

int remote_action_find(const char *s)
{
    for (int i = 0; i < RA_COUNT; i++)
        if (strcmp(s, ACTION_NAMES[i]) == 0)
            return i;
    return -1;
}

/* Returns arg with every placeholder replaced (caller frees). */
static char *expand(const remote_node *n, const char *arg)
{
    char *out = xstrdup(arg);
    for (size_t i = 0; i < ARRAY_LEN(PLACEHOLDERS); i++) {
        const char *value = *(char *const *)((const char *)n + PLACEHOLDERS[i].offset);
        const char *mark = PLACEHOLDERS[i].mark;
        char *at;
        size_t from = 0;
        while (value && (at = strstr(out + from, mark))) {
            size_t pre = (size_t)(at - out);
            char *next = xasprintf("%.*s%s%s", (int)pre, out, value, at + strlen(mark));
            from = pre + strlen(value);
            free(out);
            out = next;
        }
    }
    return out;
}

static void kill_and_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

int remote_run(const remote_node *n, remote_action a, double timeout_s, char *out, size_t cap)
{
    out[0] = '\0';
    char **tmpl = a < RA_COUNT ? n->argv[a] : NULL;
    if (!tmpl || !tmpl[0]) {
        snprintf(out, cap, "node %s has no %s command", n->name, remote_action_name(a));
        return -1;
    }
    size_t argc = 0;
    while (tmpl[argc])
        argc++;
    char **argv = xcalloc(argc + 1, sizeof *argv);
    for (size_t i = 0; i < argc; i++)
        argv[i] = expand(n, tmpl[i]);
    int pipefd[2];
    int rc = -1;
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        snprintf(out, cap, "pipe: %s", strerror(errno));
        goto done;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSID);
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(pipefd[1]);
    if (e != 0) {
        snprintf(out, cap, "cannot run %s: %s", argv[0], strerror(e));
        close(pipefd[0]);
        goto done;
    }
    size_t len = 0;
    uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
    int status = 0;
    bool ended = false, open_pipe = true;
    /* Until the command ends: a daemon it started may keep the pipe open. */
    while (!ended && now_ns() < deadline) {
        struct pollfd pf = {.fd = open_pipe ? pipefd[0] : -1, .events = POLLIN};
        if (poll(&pf, 1, 50) < 0 && errno != EINTR)
            break;
        if (pf.revents) {
            char buf[512];
            ssize_t got = read(pipefd[0], buf, sizeof buf);
            open_pipe = got > 0;
            for (ssize_t i = 0; i < got && len + 1 < cap; i++)
                out[len++] = buf[i];
            out[len] = '\0';
        }
        ended = waitpid(pid, &status, WNOHANG) == pid;
    }
    if (ended && open_pipe) {   /* what it wrote just before it ended */
        fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
        char buf[512];
        ssize_t got;
        while ((got = read(pipefd[0], buf, sizeof buf)) > 0)
            for (ssize_t i = 0; i < got && len + 1 < cap; i++)
                out[len++] = buf[i];
        out[len] = '\0';
    }
    close(pipefd[0]);
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
        out[--len] = '\0';
    if (!ended) {
        kill_and_reap(pid);
        snprintf(out + len, cap - len, "%stimed out after %.0f s", len ? "; " : "", timeout_s);
        goto done;
    }
    if (WIFEXITED(status))
        rc = WEXITSTATUS(status);
done:
    for (size_t i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return rc;
}

void remote_node_clear(remote_node *n)
{
    free(n->name);
    free(n->host);
    for (int a = 0; a < RA_COUNT; a++) {
        for (char **p = n->argv[a]; p && *p; p++)
            free(*p);
        free(n->argv[a]);
    }
    memset(n, 0, sizeof *n);
}
