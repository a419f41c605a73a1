/* proxy_pump.c - one direction of a proxied connection, on a thread of its
 * own. With no toxic on it, it waits for its source (and for a word from
 * a link's owner on the connection's eventfd) and writes what came at
 * once, with no queue. Under latency or bandwidth it keeps a queue of
 * chunks stamped with the time they may leave and a token bucket; under
 * a partition it holds what it read. While its link is direct it parks. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util.h"
#include "proxy_internal.h"

static bool has_latency(const proxy_toxics *t, const proxy_conn *c, int d)
{
    return t->latency_ms + t->jitter_ms > 0 && (t->latency_streams & (1u << d)) &&
           proxy_affected(t, c);
}

static bool has_rate(const proxy_toxics *t, const proxy_conn *c, int d)
{
    return t->rate_kbps > 0 && (t->rate_streams & (1u << d)) && proxy_affected(t, c);
}

static bool partitioned(const proxy_toxics *t, const proxy_conn *c)
{
    return t->partition && proxy_affected(t, c);
}

/* Returns when bytes read now in direction d may leave. */
static uint64_t due_time(const proxy_toxics *t, proxy_conn *c, int d, uint64_t now)
{
    if (!has_latency(t, c, d))
        return now;
    int64_t ms = t->latency_ms;
    if (t->jitter_ms > 0)
        ms += rng_range(&c->f[d].rng, -t->jitter_ms, t->jitter_ms);
    return now + (uint64_t)(ms > 0 ? ms : 0) * 1000000ULL;   /* the queue keeps the order */
}

static void enqueue(flow *f, const char *buf, size_t n, uint64_t due)
{
    chunk *k = xmalloc(sizeof *k + n);
    k->next = NULL;
    k->due_ns = due;
    k->len = n;
    k->off = 0;
    memcpy(k->data, buf, n);
    if (f->tail)
        f->tail->next = k;
    else
        f->head = k;
    f->tail = k;
    f->queued += n;
}

static void flow_clear(flow *f)
{
    for (chunk *k = f->head, *n; k; k = n) {
        n = k->next;
        free(k);
    }
    f->head = f->tail = NULL;
    f->queued = 0;
}

/* Writes up to n bytes to fd, waiting while the peer does not read.
 * Returns the bytes written (fewer when c is dying or the toxics changed
 * meanwhile), or -1 when the peer is gone. */
static ssize_t send_some(tcp_proxy *p, proxy_conn *c, int fd, const char *buf, size_t n,
                         unsigned gen)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = send(fd, buf + done, n - done, MSG_NOSIGNAL);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {   /* SO_SNDTIMEO */
            if (atomic_load(&c->dying))
                return -1;
            if (atomic_load(&p->tox_gen) != gen || atomic_load(&c->park))
                break;
            continue;
        }
        return -1;
    }
    return (ssize_t)done;
}

/* Refills flow d's bucket; returns the bytes it allows (SIZE_MAX: no rate). */
static size_t allowance(const proxy_toxics *t, proxy_conn *c, int d, uint64_t now)
{
    flow *f = &c->f[d];
    if (!has_rate(t, c, d)) {
        f->tokens_at = 0;
        return SIZE_MAX;
    }
    double per_s = (double)t->rate_kbps * 1024.0;
    if (f->tokens_at == 0)
        f->tokens = 0;
    else
        f->tokens += per_s * (double)(now - f->tokens_at) / 1e9;
    if (f->tokens > per_s / 4)
        f->tokens = per_s / 4;    /* at most a quarter second of burst */
    f->tokens_at = now;
    return f->tokens >= 1 ? (size_t)f->tokens : 0;
}

/* Writes the queued chunks that are due. Returns false when the peer is
 * gone or c is dying. */
static bool send_due(tcp_proxy *p, proxy_conn *c, int d, const proxy_toxics *t, unsigned gen,
                     uint64_t now)
{
    flow *f = &c->f[d];
    size_t allow = allowance(t, c, d, now);
    while (f->head && f->head->due_ns <= now && allow > 0) {
        chunk *h = f->head;
        size_t want = MIN(h->len - h->off, allow);
        ssize_t w = send_some(p, c, c->fd[1 - d], h->data + h->off, want, gen);
        if (w < 0)
            return false;
        h->off += (size_t)w;
        f->queued -= (size_t)w;
        if (allow != SIZE_MAX) {
            allow -= (size_t)w;
            f->tokens -= (double)w;
        }
        if (h->off == h->len) {
            f->head = h->next;
            if (!f->head)
                f->tail = NULL;
            free(h);
        }
        if ((size_t)w < want)
            break;   /* the toxics changed: look again */
    }
    return true;
}

/* Returns the ms until flow d has something to send, capped so that a
 * change of toxics is seen soon. */
static int next_wait_ms(const proxy_toxics *t, proxy_conn *c, int d, uint64_t now)
{
    const flow *f = &c->f[d];
    int ms = TOXIC_WAIT_MS;
    if (f->head && f->head->due_ns > now)
        ms = (int)MIN((f->head->due_ns - now + 999999) / 1000000, (uint64_t)TOXIC_WAIT_MS);
    else if (f->head && has_rate(t, c, d))
        ms = RATE_WAIT_MS;
    else if (f->head)
        ms = 0;
    return ms;
}

/* Reads once from direction d's source. Returns the bytes read, 0 at its
 * end (f->eof set), -1 when it failed. */
static ssize_t read_source(proxy_conn *c, int d, char *buf, size_t size)
{
    for (;;) {
        ssize_t n = read(c->fd[d], buf, size);
        if (n == 0)
            c->f[d].eof = true;
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

/* Waits up to ms (-1: no limit) for direction d's source, when watch, and
 * for the connection's eventfd. Returns whether the source is readable. */
static bool wait_source(proxy_conn *c, int d, bool watch, int ms)
{
    struct pollfd pf[2] = {{.fd = watch ? c->fd[d] : -1, .events = POLLIN},
                           {.fd = c->wake, .events = POLLIN}};
    return poll(pf, 2, ms) > 0 && pf[0].revents;
}

/* Waits while the link's owner keeps the pumps parked. Returns false when
 * c is dying or the proxy stopping. */
static bool park(tcp_proxy *p, proxy_conn *c)
{
    pthread_mutex_lock(&p->mu);
    c->parked++;
    pthread_cond_broadcast(&c->cv);
    while (atomic_load(&c->park) && !atomic_load(&c->dying) && !p->stopping)
        pthread_cond_wait(&c->cv, &p->mu);
    c->parked--;
    bool go_on = !atomic_load(&c->dying) && !p->stopping;
    pthread_mutex_unlock(&p->mu);
    return go_on;
}

void proxy_pump(proxy_conn *c, int d)
{
    tcp_proxy *p = c->p;
    flow *f = &c->f[d];
    char buf[READ_CHUNK];
    proxy_toxics t;
    unsigned gen = atomic_load(&p->tox_gen) - 1;   /* read them first */
    bool ended = false;
    while (!atomic_load(&c->dying)) {
        if (atomic_load(&c->park)) {
            if (!park(p, c))
                break;
            continue;
        }
        proxy_refresh(p, &t, &gen);
        if (partitioned(&t, c)) {
            if (!proxy_wait_out_partition(p, c))
                break;
            continue;
        }
        uint64_t now = f->head ? now_ns() : 0;   /* the fast way needs no clock */
        if (f->head && !send_due(p, c, d, &t, gen, now))
            break;
        if (f->eof && !f->head) {
            shutdown(c->fd[1 - d], SHUT_WR);   /* pass the end on */
            ended = true;
            break;
        }
        if (!f->head && !f->eof && !has_latency(&t, c, d) && !has_rate(&t, c, d)) {
            /* The fast way: wait for the source, write at once. */
            if (!wait_source(c, d, true, -1))
                continue;   /* a word on the eventfd: the loop decides */
            ssize_t n = read_source(c, d, buf, sizeof buf);
            if (n <= 0) {
                if (n < 0 && errno != EAGAIN)
                    break;
                continue;
            }
            if (proxy_refresh(p, &t, &gen) || atomic_load(&c->dying)) {
                enqueue(f, buf, (size_t)n, due_time(&t, c, d, now_ns()));
                continue;   /* toxics changed while we read: the loop decides */
            }
            ssize_t w = send_some(p, c, c->fd[1 - d], buf, (size_t)n, gen);
            if (w < 0)
                break;
            if ((size_t)w < (size_t)n)
                enqueue(f, buf + w, (size_t)n - (size_t)w, now_ns());
            continue;
        }
        /* Under a toxic: wait for the source or the next due chunk. */
        int ms = next_wait_ms(&t, c, d, now ? now : now_ns());
        if (ms > 0 && wait_source(c, d, f->queued < QUEUE_CAP && !f->eof, ms)) {
            ssize_t n = read_source(c, d, buf, sizeof buf);
            if (n < 0 && errno != EAGAIN)
                break;
            proxy_refresh(p, &t, &gen);
            if (n > 0)
                enqueue(f, buf, (size_t)n, due_time(&t, c, d, now_ns()));
        }
    }
    flow_clear(f);
    pthread_mutex_lock(&p->mu);
    c->running--;
    if (!ended)   /* a side failed, or we were told to stop: the whole connection goes */
        proxy_conn_kill(p, c, atomic_load(&c->rst));
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&p->mu);
}
