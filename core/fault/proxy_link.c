/* proxy_link.c - a connection through the proxy that its client, in this
 * process, has adopted: while no toxic acts on it the client's socket is
 * pointed at the server itself (dup3 of the proxy's upstream socket over
 * the client's descriptor), and the proxy's pumps for it are parked, so a
 * healthy connection pays nothing for the proxy. The owner settles the
 * link between its own uses of the socket, so no call of its own is ever
 * on the descriptor while it changes; the checks below make sure no byte
 * is left inside the proxy when it goes direct, so the stream keeps its
 * order both ways. */
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "../util.h"
#include "proxy_internal.h"

enum { RETRY_DIRECT_MS = 20 };

/* True when a and b are the same IPv4 or IPv6 address and port. */
static bool same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        return x->sin6_port == y->sin6_port &&
               memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    return false;
}

/* Gives the upstream socket the client's keepalive settings (libpq sets
 * them from its conninfo), which it keeps while it is the client's own. */
static void copy_keepalive(int from, int to)
{
    static const struct { int level, name; } OPTS[] = {
        {SOL_SOCKET, SO_KEEPALIVE}, {IPPROTO_TCP, TCP_KEEPIDLE}, {IPPROTO_TCP, TCP_KEEPINTVL},
        {IPPROTO_TCP, TCP_KEEPCNT}, {IPPROTO_TCP, TCP_USER_TIMEOUT}};
    for (size_t i = 0; i < ARRAY_LEN(OPTS); i++) {
        int v;
        socklen_t len = sizeof v;
        if (getsockopt(from, OPTS[i].level, OPTS[i].name, &v, &len) == 0)
            setsockopt(to, OPTS[i].level, OPTS[i].name, &v, sizeof v);
    }
}

proxy_link *proxy_adopt(tcp_proxy *p, int fd)
{
    struct sockaddr_storage me;
    socklen_t len = sizeof me;
    if (!p || fd < 0 || getsockname(fd, (struct sockaddr *)&me, &len) != 0)
        return NULL;
    pthread_mutex_lock(&p->mu);
    proxy_conn *c = p->live;
    while (c && (c->adopted || !same_endpoint(&c->client, &me)))
        c = c->next;
    int keep = -1;
    if (c && !atomic_load(&c->dying) && c->fd[DOWN] >= 0 &&
        (keep = fcntl(fd, F_DUPFD_CLOEXEC, 0)) >= 0) {
        copy_keepalive(fd, c->fd[DOWN]);
        c->client_keep = keep;
        c->adopted = true;
        c->refs++;
        c->settled_gen = atomic_load(&p->tox_gen) - 1;   /* the first settle looks */
    } else {
        c = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    return c;
}

/* Returns the bytes in fd's queue: received and unread (FIONREAD), or
 * sent and not yet acknowledged by the peer (SIOCOUTQ); -1 on error. */
static int queued(int fd, unsigned long request)
{
    int n = 0;
    return ioctl(fd, request, &n) == 0 ? n : -1;
}

/* True when every byte written on loopback socket from has arrived at its
 * peer to: none waits to be sent, and the peer received as many as were
 * sent (acknowledged or not: the ACK may ride on the next request). */
static bool delivered(int from, int to)
{
    struct tcp_info a, b;
    socklen_t la = sizeof a, lb = sizeof b;
    size_t need = offsetof(struct tcp_info, tcpi_bytes_retrans) + sizeof a.tcpi_bytes_retrans;
    if (getsockopt(from, IPPROTO_TCP, TCP_INFO, &a, &la) != 0 ||
        getsockopt(to, IPPROTO_TCP, TCP_INFO, &b, &lb) != 0 || la < need || lb < need)
        return false;
    return queued(from, SIOCOUTQNSD) == 0 &&
           a.tcpi_bytes_sent - a.tcpi_bytes_retrans == b.tcpi_bytes_received;
}

/* True when no byte is on its way inside the proxy: none in either
 * flow's queue, none between the client's socket and the proxy's end of
 * it. Call with the pumps parked. */
static bool nothing_in_flight(const proxy_conn *c, int fd)
{
    return !c->f[UP].head && !c->f[DOWN].head &&
           delivered(fd, c->fd[UP]) && queued(c->fd[UP], FIONREAD) == 0 &&   /* the pump took the client's bytes */
           delivered(c->fd[UP], fd) && queued(fd, FIONREAD) == 0;            /* the client read the pump's */
}

/* Sets or clears O_NONBLOCK on fd's open file. The pumps block on the
 * upstream socket (with a send timeout); the client, while the same
 * socket is its own, expects the mode it chose (libpq: non-blocking). */
static bool set_nonblocking(int fd, bool on)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) == 0;
}

static void drain_wake(proxy_conn *c)
{
    uint64_t v;
    if (read(c->wake, &v, sizeof v) < 0)
        return;   /* nothing to drain */
}

/* Parks the pumps and points fd at the server. Returns false, pumps
 * running again, when bytes are still inside the proxy (or c is going):
 * the owner tries again later. Call with p->mu held. */
static bool go_direct(tcp_proxy *p, proxy_conn *c, int fd)
{
    atomic_store(&c->park, true);
    proxy_conn_nudge(c);
    while (c->parked < c->running && !atomic_load(&c->dying) && !p->stopping)
        pthread_cond_wait(&c->cv, &p->mu);
    int client_fl = fcntl(fd, F_GETFL);
    bool ok = c->running == 2 && c->parked == 2 && !atomic_load(&c->dying) && !p->stopping &&
              c->fd[DOWN] >= 0 && client_fl >= 0 && nothing_in_flight(c, fd) &&
              set_nonblocking(c->fd[DOWN], client_fl & O_NONBLOCK);
    if (ok && dup3(c->fd[DOWN], fd, O_CLOEXEC) < 0) {
        set_nonblocking(c->fd[DOWN], false);
        ok = false;
    }
    drain_wake(c);
    if (ok) {
        c->direct = true;
    } else {
        atomic_store(&c->park, false);
        pthread_cond_broadcast(&c->cv);
    }
    return ok;
}

/* Points fd back at the proxy and lets the pumps move its bytes again.
 * Call with p->mu held. */
static void go_through(proxy_conn *c, int fd)
{
    if (dup3(c->client_keep, fd, O_CLOEXEC) < 0)
        return;   /* stays direct; the owner's next settle tries again */
    set_nonblocking(c->fd[DOWN], false);   /* the pumps' again */
    c->direct = false;
    atomic_store(&c->park, false);
    pthread_cond_broadcast(&c->cv);
}

bool proxy_settle(proxy_link *c, int fd)
{
    if (!c || fd < 0)
        return false;
    tcp_proxy *p = c->p;
    unsigned gen = atomic_load(&p->tox_gen);
    if (gen == c->settled_gen && (!c->retry_ns || now_ns() < c->retry_ns))
        return c->direct;   /* only this thread writes it */
    pthread_mutex_lock(&p->mu);
    gen = atomic_load(&p->tox_gen);
    c->retry_ns = 0;
    if (!atomic_load(&c->dying) && !p->stopping) {
        bool needed = proxy_toxic_acts(&p->tox, c);
        if (needed && c->direct)
            go_through(c, fd);
        else if (!needed && !c->direct && !go_direct(p, c, fd))
            c->retry_ns = now_ns() + RETRY_DIRECT_MS * 1000000ULL;
        if (needed && c->direct)
            gen--;   /* could not go back through: look again next time */
    }
    c->settled_gen = gen;
    bool direct = c->direct;
    pthread_mutex_unlock(&p->mu);
    return direct;
}

void proxy_release(proxy_link *c)
{
    if (!c)
        return;
    tcp_proxy *p = c->p;
    pthread_mutex_lock(&p->mu);
    /* The owner's socket is closed: with the kept one closed too, the
     * pumps pass the ends on and the connection ends by itself. */
    if (c->client_keep >= 0)
        close(c->client_keep);
    c->client_keep = -1;
    c->adopted = false;
    if (c->direct && c->fd[DOWN] >= 0)
        set_nonblocking(c->fd[DOWN], false);
    c->direct = false;
    atomic_store(&c->park, false);
    pthread_cond_broadcast(&c->cv);
    bool last = proxy_conn_unref(c);
    pthread_mutex_unlock(&p->mu);
    if (last)
        proxy_conn_free(c);
}
