/* rmtree.c - removes a directory tree with openat/getdents64/unlinkat only,
 * so that a fatal-signal handler can use it. */
#include "rmtree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper trees than this are left alone (a data directory is 4 deep). */
enum { MAX_DEPTH = 32, DENTS_BYTES = 4096 };

static int remove_entry(int dirfd, const char *name, unsigned char type, int depth);

/* Empties the directory open as fd. Rereads from the start after each batch,
 * since removing entries while reading a directory may skip some; stops
 * when a batch removes nothing. */
static void empty_dir(int fd, int depth)
{
    char buf[DENTS_BYTES] __attribute__((aligned(8)));
    for (;;) {
        if (lseek(fd, 0, SEEK_SET) < 0)
            return;
        ssize_t n = getdents64(fd, buf, sizeof buf);
        if (n <= 0)
            return;
        int removed = 0;
        for (ssize_t off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            if (remove_entry(fd, d->d_name, d->d_type, depth) == 0)
                removed++;
        }
        if (!removed)
            return;
    }
}

static int remove_dir_at(int dirfd, const char *name, int depth)
{
    if (depth >= MAX_DEPTH)
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        empty_dir(fd, depth + 1);
        close(fd);
    }
    return unlinkat(dirfd, name, AT_REMOVEDIR);
}

static int remove_entry(int dirfd, const char *name, unsigned char type, int depth)
{
    if (type == DT_DIR)
        return remove_dir_at(dirfd, name, depth);
    if (unlinkat(dirfd, name, 0) == 0)
        return 0;
    if (errno == EISDIR || errno == EPERM)   /* d_type unknown and it is a directory */
        return remove_dir_at(dirfd, name, depth);
    return -1;
}

int rmtree(const char *path)
{
    int saved = errno;
    int rc = remove_entry(AT_FDCWD, path, DT_UNKNOWN, 0);
    if (rc != 0 && errno == ENOENT)
        rc = 0;
    errno = saved;
    return rc;
}
