/* pgspawn.c - runs a PostgreSQL program as the server user. */
#include "pgspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util.h"

extern char **environ;

/* The system user PostgreSQL runs as when we are root. */
static const char SERVER_USER[] = "postgres";

/* Environment variables the child does not inherit: locale settings (the
 * server's messages must be in English for the log matcher). */
static const char *const DROPPED_ENV_PREFIXES[] = {"LANG=", "LANGUAGE=", "LC_"};
static const char FORCED_LOCALE[] = "LC_ALL=C";

/* Signals whose disposition the child resets before exec. */
static const int RESET_SIGNALS[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1,
                                    SIGUSR2};

int pg_identity_lookup(pg_identity *id, char **err)
{
    memset(id, 0, sizeof *id);
    if (geteuid() != 0) {
        struct passwd *pw = getpwuid(geteuid());
        id->uid = geteuid();
        id->gid = getegid();
        snprintf(id->name, sizeof id->name, "%s", pw ? pw->pw_name : "current user");
        return 0;
    }
    struct passwd *pw = getpwnam(SERVER_USER);
    if (!pw) {
        *err = xasprintf("running as root, but there is no '%s' system user to run the server as "
                         "(installing the postgresql package creates it)", SERVER_USER);
        return -1;
    }
    id->drop = true;
    id->uid = pw->pw_uid;
    id->gid = pw->pw_gid;
    snprintf(id->name, sizeof id->name, "%s", SERVER_USER);
    int n = PGSPAWN_MAX_GROUPS;
    if (getgrouplist(SERVER_USER, pw->pw_gid, id->groups, &n) < 0) {
        id->groups[0] = pw->pw_gid;   /* too many groups: the primary one suffices */
        n = 1;
    }
    id->ngroups = n;
    return 0;
}

static bool env_dropped(const char *kv)
{
    for (size_t i = 0; i < ARRAY_LEN(DROPPED_ENV_PREFIXES); i++)
        if (strncmp(kv, DROPPED_ENV_PREFIXES[i], strlen(DROPPED_ENV_PREFIXES[i])) == 0)
            return true;
    return false;
}

/* Returns the child's environment (caller frees the array, not the strings). */
static char **child_environment(char *const *extra)
{
    size_t n = 0, nextra = 0;
    while (environ && environ[n])
        n++;
    while (extra && extra[nextra])
        nextra++;
    char **env = xcalloc(n + nextra + 2, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!env_dropped(environ[i]))
            env[k++] = environ[i];
    env[k++] = (char *)FORCED_LOCALE;
    for (size_t i = 0; i < nextra; i++)
        env[k++] = extra[i];
    env[k] = NULL;
    return env;
}

/* Writes a message to fd 2 from the child (async-signal-safe). */
static void child_say(const char *what, const char *arg)
{
    const char *parts[] = {"melee: ", what, arg ? ": " : "", arg ? arg : "", ": ",
                           strerrordesc_np(errno), "\n"};
    for (size_t i = 0; i < ARRAY_LEN(parts); i++)
        if (write(2, parts[i], strlen(parts[i])) < 0)
            break;
}

/* The child between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn)) child_exec(const pgspawn_spec *s, char **env, pid_t parent)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (size_t i = 0; i < ARRAY_LEN(RESET_SIGNALS); i++)
        sigaction(RESET_SIGNALS[i], &dfl, NULL);
    if (s->new_session)
        setsid();
    if (s->id->drop &&
        (setgroups((size_t)s->id->ngroups, s->id->groups) != 0 || setgid(s->id->gid) != 0 ||
         setuid(s->id->uid) != 0)) {
        child_say("cannot switch to user", s->id->name);
        _exit(126);
    }
    /* Opened after the switch, so the log belongs to the server user. */
    int log = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) {
        child_say("cannot open", s->log_path);
        _exit(126);
    }
    if (dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
        _exit(126);
    if (close_range(3, ~0U, 0) != 0)
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    if (s->cwd && chdir(s->cwd) != 0) {
        child_say("cannot change directory to", s->cwd);
        _exit(126);
    }
    /* Set after the credential change, which clears it (prctl(2)); if the
     * parent already died, it will never fire, so give up. */
    if (s->pdeathsig && (prctl(PR_SET_PDEATHSIG, s->pdeathsig) != 0 || getppid() != parent))
        _exit(126);
    execve(s->argv[0], s->argv, env);
    child_say("cannot execute", s->argv[0]);
    _exit(127);
}

pid_t pgspawn(const pgspawn_spec *s, char **err)
{
    char **env = child_environment(s->extra_env);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(s, env, parent);
    int saved = errno;
    free(env);
    if (pid < 0) {
        *err = xasprintf("cannot fork to run %s: %s", s->argv[0], strerror(saved));
        return -1;
    }
    return pid;
}

int pgspawn_exited(pid_t pid)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0)
        return info.si_pid == pid;
    /* Not our child (someone else reaped it): alive while it can be signalled. */
    return errno == ECHILD && kill(pid, 0) != 0 && errno == ESRCH;
}

int pgspawn_reap(pid_t pid)
{
    int status;
    pid_t r;
    do
        r = waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    return r == pid ? status : -1;
}

void pgspawn_nap(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
