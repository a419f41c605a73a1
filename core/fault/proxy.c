/* proxy.c - the loopback TCP proxy of the network faults: one thread polls
 * the listener and both sockets of every connection; each direction keeps
 * a queue of chunks stamped with the time they may leave (latency, jitter)
 * and a token bucket (bandwidth). With no toxic, bytes read are written at
 * once and nothing is queued. */
#include "proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../rng.h"
#include "../util.h"

enum {
    READ_CHUNK = 16384,
    QUEUE_CAP = 256 * 1024,    /* stop reading a direction past this much queued */
    MAX_CONNS = 1024,
    RATE_WAIT_MS = 5,          /* how long to sleep when the bucket is empty */
    UP = 0,                    /* client to server */
    DOWN = 1,                  /* server to client */
};

typedef struct chunk {
    struct chunk *next;
    uint64_t due_ns;
    size_t len, off;
    char data[];
} chunk;

/* One direction of a connection. */
typedef struct flow {
    chunk *head, *tail;
    size_t queued;
    uint64_t last_due;
    double tokens;             /* bytes the bucket allows now */
    uint64_t tokens_at;
    bool eof;                  /* the source closed its side */
    bool shut;                 /* we passed the close on */
} flow;

typedef struct conn {
    int fd[2];                 /* [UP] the client, [DOWN] the server: flow d reads fd[d] */
    bool connecting;           /* upstream connect in progress */
    bool held;                 /* accepted during a partition, not yet connected */
    double lot;                /* drawn at accept: toxic applies when lot < toxicity */
    flow f[2];
    bool dead;
    bool rst;                  /* close with a reset (the reset toxic) */
} conn;

struct tcp_proxy {
    int lfd;
    int wake;                  /* eventfd: toxics changed, or stop */
    pthread_t thread;
    struct sockaddr_storage up;
    socklen_t uplen;
    int port;
    rng_t rng;                 /* the proxy thread's only */

    pthread_mutex_t mu;        /* guards tox, tox_gen, stopping */
    proxy_toxics tox;
    unsigned tox_gen;
    bool reset_now;
    bool stopping;

    conn *conns[MAX_CONNS];    /* the proxy thread's only */
    size_t nconns;
    _Atomic size_t open, resets;
};

bool proxy_stream_parse(const char *s, proxy_stream *out)
{
    static const struct { const char *name; proxy_stream s; } NAMES[] = {
        {"upstream", STREAM_UPSTREAM}, {"downstream", STREAM_DOWNSTREAM}, {"both", STREAM_BOTH}};
    for (size_t i = 0; i < ARRAY_LEN(NAMES); i++)
        if (strcmp(s, NAMES[i].name) == 0) {
            *out = NAMES[i].s;
            return true;
        }
    return false;
}

/* ---- sockets ---- */

static void set_nonblocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Closes fd so that the peer sees a reset (RST), not an orderly close. */
static void close_with_reset(int fd)
{
    if (fd < 0)
        return;
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

static int resolve(const char *host, int port, struct sockaddr_storage *out, socklen_t *len,
                   char **err)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    int rc = getaddrinfo(host, service, &hints, &ai);
    if (rc != 0) {
        *err = xasprintf("proxy: cannot resolve %s: %s", host, gai_strerror(rc));
        return -1;
    }
    memcpy(out, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    freeaddrinfo(ai);
    return 0;
}

static int listen_loopback(int *port, char **err)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        *err = xasprintf("proxy: cannot listen on 127.0.0.1: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* ---- connections ---- */

static void flow_clear(flow *f)
{
    for (chunk *c = f->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    f->head = f->tail = NULL;
    f->queued = 0;
}

static void conn_close(tcp_proxy *p, size_t i, bool reset)
{
    conn *c = p->conns[i];
    if (reset)
        atomic_fetch_add(&p->resets, 1);   /* counted before the peer can see it */
    for (int d = 0; d < 2; d++) {
        if (reset)
            close_with_reset(c->fd[d]);
        else if (c->fd[d] >= 0)
            close(c->fd[d]);
        flow_clear(&c->f[d]);
    }
    free(c);
    p->conns[i] = p->conns[--p->nconns];
    atomic_fetch_sub(&p->open, 1);
}

/* Starts the upstream connection of c. Returns false when it failed. */
static bool conn_connect(tcp_proxy *p, conn *c)
{
    c->held = false;
    c->fd[DOWN] = socket(p->up.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd[DOWN] < 0)
        return false;
    set_nonblocking(c->fd[DOWN]);
    if (connect(c->fd[DOWN], (struct sockaddr *)&p->up, p->uplen) == 0)
        return true;
    if (errno != EINPROGRESS)
        return false;
    c->connecting = true;
    return true;
}

static bool affected(const proxy_toxics *t, const conn *c)
{
    double tox = t->toxicity > 0 ? t->toxicity : 1.0;
    return c->lot < tox;
}

static bool refresh_toxics(tcp_proxy *p, proxy_toxics *t, unsigned *gen);

/* Accepts every waiting connection, each under the toxics of the moment
 * (a heal set while we accept reaches the next one). */
static void accept_all(tcp_proxy *p, proxy_toxics *t, unsigned *gen)
{
    while (refresh_toxics(p, t, gen)) {
        int fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        double lot = rng_double(&p->rng);
        if (p->nconns == MAX_CONNS || (t->reset && lot < (t->toxicity > 0 ? t->toxicity : 1.0))) {
            if (p->nconns < MAX_CONNS)
                atomic_fetch_add(&p->resets, 1);
            close_with_reset(fd);
            continue;
        }
        set_nonblocking(fd);
        conn *c = xcalloc(1, sizeof *c);
        c->fd[UP] = fd;
        c->fd[DOWN] = -1;
        c->lot = lot;
        p->conns[p->nconns++] = c;
        atomic_fetch_add(&p->open, 1);
        if (t->partition && affected(t, c))
            c->held = true;
        else if (!conn_connect(p, c))
            c->dead = true;
    }
}

/* ---- moving bytes ---- */

static bool flow_has_latency(const proxy_toxics *t, const conn *c, int d)
{
    return t->latency_ms + t->jitter_ms > 0 && (t->latency_streams & (1u << d)) && affected(t, c);
}

static bool flow_has_rate(const proxy_toxics *t, const conn *c, int d)
{
    return t->rate_kbps > 0 && (t->rate_streams & (1u << d)) && affected(t, c);
}

static void enqueue(flow *f, const char *buf, size_t n, uint64_t due)
{
    chunk *c = xmalloc(sizeof *c + n);
    c->next = NULL;
    c->due_ns = due;
    c->len = n;
    c->off = 0;
    memcpy(c->data, buf, n);
    if (f->tail)
        f->tail->next = c;
    else
        f->head = c;
    f->tail = c;
    f->queued += n;
}

/* Reads what flow d's source has. Returns false when the connection died. */
static bool flow_read(tcp_proxy *p, const proxy_toxics *t, conn *c, int d, uint64_t now)
{
    flow *f = &c->f[d];
    int src = c->fd[d], dst = c->fd[1 - d];
    char buf[READ_CHUNK];
    while (f->queued < QUEUE_CAP && !f->eof) {
        ssize_t n = read(src, buf, sizeof buf);
        if (n == 0) {
            f->eof = true;
            break;
        }
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        uint64_t due = now;
        if (flow_has_latency(t, c, d)) {
            int64_t ms = t->latency_ms;
            if (t->jitter_ms > 0)
                ms += rng_range(&p->rng, -t->jitter_ms, t->jitter_ms);
            due = now + (uint64_t)(ms > 0 ? ms : 0) * 1000000ULL;
            if (due < f->last_due)
                due = f->last_due;   /* TCP keeps the order */
            f->last_due = due;
        }
        size_t off = 0;
        if (!f->head && due <= now && !flow_has_rate(t, c, d)) {
            ssize_t w = send(dst, buf, (size_t)n, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                return false;
            off = w > 0 ? (size_t)w : 0;
        }
        if (off < (size_t)n)
            enqueue(f, buf + off, (size_t)n - off, due);
    }
    return true;
}

/* Refills flow d's bucket; returns the bytes it allows (SIZE_MAX: no rate). */
static size_t flow_allowance(const proxy_toxics *t, conn *c, int d, uint64_t now)
{
    flow *f = &c->f[d];
    if (!flow_has_rate(t, c, d)) {
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

/* Writes flow d's due chunks. Returns false when the connection died. */
static bool flow_write(const proxy_toxics *t, conn *c, int d, uint64_t now)
{
    flow *f = &c->f[d];
    int dst = c->fd[1 - d];
    size_t allow = flow_allowance(t, c, d, now);
    while (f->head && f->head->due_ns <= now && allow > 0) {
        chunk *h = f->head;
        size_t want = MIN(h->len - h->off, allow);
        ssize_t w = send(dst, h->data + h->off, want, MSG_NOSIGNAL);
        if (w < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
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
            break;
    }
    if (f->eof && !f->head && !f->shut) {
        shutdown(dst, SHUT_WR);
        f->shut = true;
    }
    return true;
}

/* Finishes an upstream connect. Returns false when it failed. */
static bool finish_connect(conn *c)
{
    int e = 0;
    socklen_t len = sizeof e;
    if (getsockopt(c->fd[DOWN], SOL_SOCKET, SO_ERROR, &e, &len) != 0 || e != 0)
        return false;
    c->connecting = false;
    return true;
}

/* ---- the loop ---- */

/* Poll events for connection c; its two pollfds go to pf[0..1]. Returns
 * the ms until c needs attention without events, -1 for never. */
static int conn_events(const proxy_toxics *t, const conn *c, struct pollfd *pf, uint64_t now)
{
    pf[0] = (struct pollfd){.fd = -1};
    pf[1] = (struct pollfd){.fd = -1};
    if (c->dead || c->held || (t->partition && affected(t, c)))
        return -1;
    if (c->connecting) {
        pf[1] = (struct pollfd){.fd = c->fd[DOWN], .events = POLLOUT};
        return -1;
    }
    int wait = -1;
    for (int d = 0; d < 2; d++) {
        const flow *f = &c->f[d];
        pf[d].fd = c->fd[d];
        if (f->queued < QUEUE_CAP && !f->eof)
            pf[d].events |= POLLIN;
        if (f->head) {
            int ms = RATE_WAIT_MS;
            if (f->head->due_ns > now)
                ms = (int)((f->head->due_ns - now + 999999) / 1000000);
            else if (!flow_has_rate(t, c, d)) {
                pf[1 - d].fd = c->fd[1 - d];
                pf[1 - d].events |= POLLOUT;
                ms = -1;
            }
            if (ms >= 0 && (wait < 0 || ms < wait))
                wait = ms;
        }
    }
    for (int i = 0; i < 2; i++)
        if (!pf[i].events)
            pf[i].fd = -1;   /* else a hung-up socket would wake us forever */
    return wait;
}

static void conn_step(tcp_proxy *p, const proxy_toxics *t, conn *c, const struct pollfd *pf,
                      uint64_t now)
{
    if (c->dead || c->held || (t->partition && affected(t, c)))
        return;
    if (c->connecting) {
        if (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))
            c->dead = !finish_connect(c);
        return;
    }
    for (int d = 0; d < 2 && !c->dead; d++) {
        if (pf[d].revents & (POLLIN | POLLHUP | POLLERR))
            c->dead = !flow_read(p, t, c, d, now);
        if (!c->dead)
            c->dead = !flow_write(t, c, d, now);
    }
    if (c->f[UP].shut && c->f[DOWN].shut)
        c->dead = true;
}

/* Applies what changed since the last look: resets, held connections. */
static void apply_toxics(tcp_proxy *p, const proxy_toxics *t, bool reset_now)
{
    for (size_t i = p->nconns; i-- > 0;) {
        conn *c = p->conns[i];
        if (reset_now && affected(t, c)) {
            c->dead = c->rst = true;   /* closed by the loop, after this round's events */
            continue;
        }
        if (c->held && !(t->partition && affected(t, c)) && !conn_connect(p, c))
            c->dead = true;
        for (int d = 0; d < 2; d++)
            if (!flow_has_latency(t, c, d))
                c->f[d].last_due = 0;
    }
}

/* Copies the toxics into *t and applies what changed since *gen. Returns
 * false when the proxy is stopping. */
static bool refresh_toxics(tcp_proxy *p, proxy_toxics *t, unsigned *gen)
{
    pthread_mutex_lock(&p->mu);
    bool stop = p->stopping, changed = p->tox_gen != *gen, reset_now = p->reset_now;
    *t = p->tox;
    *gen = p->tox_gen;
    p->reset_now = false;
    pthread_mutex_unlock(&p->mu);
    if (changed && !stop)
        apply_toxics(p, t, reset_now);
    return !stop;
}

/* Closes the connections marked dead (pollfd indexes change after). */
static void close_dead(tcp_proxy *p)
{
    for (size_t i = p->nconns; i-- > 0;)
        if (p->conns[i]->dead)
            conn_close(p, i, p->conns[i]->rst);
}

static void *proxy_main(void *arg)
{
    tcp_proxy *p = arg;
    struct pollfd *pf = xcalloc(2 + 2 * MAX_CONNS, sizeof *pf);
    proxy_toxics t = {0};
    unsigned seen_gen = 0;
    for (;;) {
        if (!refresh_toxics(p, &t, &seen_gen))
            break;
        close_dead(p);
        uint64_t now = now_ns();
        pf[0] = (struct pollfd){.fd = p->lfd, .events = POLLIN};
        pf[1] = (struct pollfd){.fd = p->wake, .events = POLLIN};
        int timeout = -1;
        size_t n = p->nconns;
        for (size_t i = 0; i < n; i++) {
            int w = conn_events(&t, p->conns[i], pf + 2 + 2 * i, now);
            if (w >= 0 && (timeout < 0 || w < timeout))
                timeout = w;
        }
        if (poll(pf, 2 + 2 * n, timeout) < 0 && errno != EINTR)
            break;
        /* Toxics set while we slept act on the bytes that woke us. */
        if (!refresh_toxics(p, &t, &seen_gen))
            break;
        now = now_ns();
        if (pf[1].revents & POLLIN) {
            uint64_t v;
            if (read(p->wake, &v, sizeof v) < 0)
                v = 0;
        }
        for (size_t i = 0; i < n; i++)
            conn_step(p, &t, p->conns[i], pf + 2 + 2 * i, now);
        close_dead(p);
        if (pf[0].revents & POLLIN)
            accept_all(p, &t, &seen_gen);
    }
    while (p->nconns > 0)
        conn_close(p, p->nconns - 1, false);
    free(pf);
    return NULL;
}

/* ---- the API ---- */

static void wake(tcp_proxy *p)
{
    uint64_t one = 1;
    if (write(p->wake, &one, sizeof one) < 0)
        return;   /* the counter is full: the thread is awake anyway */
}

tcp_proxy *proxy_start(const char *host, int port, unsigned seed, char **err)
{
    tcp_proxy *p = xcalloc(1, sizeof *p);
    p->lfd = p->wake = -1;
    p->rng = rng_derive(seed, "proxy", 0);
    pthread_mutex_init(&p->mu, NULL);
    if (resolve(host, port, &p->up, &p->uplen, err) != 0 ||
        (p->lfd = listen_loopback(&p->port, err)) < 0)
        goto fail;
    if ((p->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        *err = xasprintf("proxy: eventfd: %s", strerror(errno));
        goto fail;
    }
    int rc = pthread_create(&p->thread, NULL, proxy_main, p);
    if (rc != 0) {
        *err = xasprintf("proxy: cannot start its thread: %s", strerror(rc));
        goto fail;
    }
    return p;
fail:
    if (p->lfd >= 0)
        close(p->lfd);
    if (p->wake >= 0)
        close(p->wake);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return NULL;
}

int proxy_port(const tcp_proxy *p)
{
    return p->port;
}

void proxy_set_toxics(tcp_proxy *p, const proxy_toxics *t)
{
    pthread_mutex_lock(&p->mu);
    p->tox = *t;
    p->tox_gen++;
    p->reset_now = t->reset;
    pthread_mutex_unlock(&p->mu);
    wake(p);
}

void proxy_heal(tcp_proxy *p)
{
    proxy_toxics none = {0};
    proxy_set_toxics(p, &none);
}

size_t proxy_open_connections(tcp_proxy *p)
{
    return atomic_load(&p->open);
}

size_t proxy_resets(tcp_proxy *p)
{
    return atomic_load(&p->resets);
}

void proxy_stop(tcp_proxy *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_mutex_unlock(&p->mu);
    wake(p);
    pthread_join(p->thread, NULL);
    close(p->lfd);
    close(p->wake);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
