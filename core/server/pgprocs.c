/* pgprocs.c - /proc walks with open, read and getdents64 only. */
#include "pgprocs.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Parses a decimal pid; returns 0 for anything that is not one. */
static pid_t parse_pid(const char *s)
{
    pid_t v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* Reads /proc/PID/stat into buf; returns the text after the command's
 * closing parenthesis (" S PPID ..."), or NULL. */
static const char *read_stat(pid_t pid, char *buf, size_t cap)
{
    char path[40] = "/proc/";
    char digits[16];
    int n = 0;
    for (pid_t v = pid; v > 0 && n < 15; v /= 10)
        digits[n++] = (char)('0' + v % 10);
    size_t k = strlen(path);
    while (n > 0)
        path[k++] = digits[--n];
    memcpy(path + k, "/stat", 6);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t got = read(fd, buf, cap - 1);
    close(fd);
    if (got <= 0)
        return NULL;
    buf[got] = '\0';
    const char *end = strrchr(buf, ')');
    return end ? end + 1 : NULL;
}

char pgprocs_state(pid_t pid)
{
    char buf[512];
    const char *rest = read_stat(pid, buf, sizeof buf);
    return rest && rest[0] == ' ' ? rest[1] : 0;
}

static pid_t parent_of(pid_t pid)
{
    char buf[512];
    const char *rest = read_stat(pid, buf, sizeof buf);
    if (!rest || rest[0] != ' ' || !rest[1] || rest[2] != ' ')
        return 0;
    pid_t v = 0;
    for (const char *p = rest + 3; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (*p - '0');
    return v;
}

int pgprocs_children(pid_t ppid, pid_t *out, int max)
{
    int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char buf[8192] __attribute__((aligned(8)));
    int found = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            off += d->d_reclen;
            pid_t pid = parse_pid(d->d_name);
            if (pid > 0 && found < max && parent_of(pid) == ppid)
                out[found++] = pid;
        }
    }
    close(fd);
    return found;
}

int pgprocs_signal_tree(pid_t pid, int sig)
{
    if (pid <= 0)
        return 0;
    pid_t kids[PGPROCS_MAX];
    /* Children first listed, then signalled: a SIGKILLed postmaster's
     * children would otherwise change parent before we found them. */
    int n = pgprocs_children(pid, kids, PGPROCS_MAX);
    int done = kill(pid, sig) == 0;
    for (int i = 0; i < n; i++)
        done += kill(kids[i], sig) == 0;
    return done;
}
