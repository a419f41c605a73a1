/* util.h - allocation wrappers that abort on OOM, clocks, small helpers. */
#ifndef MELEE_UTIL_H
#define MELEE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation wrappers: they never return NULL (they abort on OOM).
 * The caller owns and frees the result. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);          /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Takes the next line of a text being wrapped at room columns from *text:
 * up to the last space that fits, or a whole word longer than room. Sets
 * *len to the line's length and moves *text past it and the spaces after
 * it. Returns the line (inside the caller's text), or NULL at the end. */
const char *wrap_next(const char **text, int room, int *len);

/* Copies src into *dst, a buffer of *cap bytes owned by the caller,
 * growing it only when src does not fit (for texts rewritten often). */
void str_assign(char **dst, size_t *cap, const char *src);

/* Monotonic clock in nanoseconds / microseconds since an arbitrary origin. */
uint64_t now_ns(void);
uint64_t now_us(void);

/* Wall clock as seconds since the epoch, with fractions. */
double wall_seconds(void);

/* Sleeps for the given number of milliseconds (restarts on EINTR). */
void sleep_ms(unsigned ms);

/* Prints "melee: <message>" to stderr and exits with status 2. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Creates the directory path and its missing parents (mode 0755).
 * Returns 0, or -1 with errno set. */
int mkdir_p(const char *path);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
