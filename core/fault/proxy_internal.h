/* proxy_internal.h - what the proxy's two files share: a connection, one
 * direction's queue (a flow), the proxy itself and the toxics helpers.
 * Not for use outside core/fault/proxy*.c. */
#ifndef MELEE_PROXY_INTERNAL_H
#define MELEE_PROXY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../rng.h"
#include "proxy.h"

enum {
    READ_CHUNK = 16384,
    QUEUE_CAP = 256 * 1024,    /* stop reading a direction past this much queued */
    MAX_CONNS = 1024,
    RATE_WAIT_MS = 5,          /* how long to sleep when the bucket is empty */
    TOXIC_WAIT_MS = 50,        /* longest sleep of a direction under a toxic */
    SEND_TIMEOUT_MS = 100,     /* a blocked send looks up this often */
    UP = 0,                    /* client to server */
    DOWN = 1,                  /* server to client */
};

typedef struct chunk {
    struct chunk *next;
    uint64_t due_ns;
    size_t len, off;
    char data[];
} chunk;

/* One direction of a connection: the bytes read but not yet passed on
 * (only while a toxic acts, or a partition holds them). Its pump's only. */
typedef struct flow {
    chunk *head, *tail;
    size_t queued;
    double tokens;             /* bytes the bucket allows now */
    uint64_t tokens_at;
    bool eof;                  /* the source closed its side */
    rng_t rng;                 /* the jitter draws */
} flow;

/* A connection through the proxy. When a client of this process adopts it
 * (proxy_link.c), the client's own socket may be pointed straight at the
 * server (direct) while no toxic acts on it; its pumps are then parked. */
struct proxy_conn {
    tcp_proxy *p;
    struct proxy_conn *next;   /* in p->live or p->done (under p->mu) */
    int fd[2];                 /* [UP] the client, [DOWN] the server: flow d reads fd[d];
                                * set and closed under p->mu */
    int wake;                  /* eventfd: the pumps poll it, to hear "park" */
    struct sockaddr_storage client;   /* the client's address, to adopt it by */
    double lot;                /* drawn at accept: toxics act when lot < toxicity */
    atomic_bool dying;         /* stop moving bytes: reset, stop, or a side failed */
    atomic_bool rst;           /* close both sides with a reset */
    atomic_bool park;          /* the pumps stop moving bytes and wait */
    pthread_t thread;          /* moves UP, runs the DOWN thread, closes */
    flow f[2];
    /* Under p->mu: */
    pthread_cond_t cv;         /* parked, unparked, a pump ended or c is dying */
    int running;               /* pumps started and not ended */
    int parked;                /* pumps waiting while park is set */
    int refs;                  /* its thread until reaped, its link until released */
    bool adopted;
    bool direct;               /* the client's socket is fd[DOWN] itself */
    int client_keep;           /* adopted: the client's own socket, kept for going back */
    /* The link owner's only: */
    unsigned settled_gen;      /* the toxics' generation it settled for */
    uint64_t retry_ns;         /* going direct failed: try again after this */
};
typedef struct proxy_conn proxy_conn;

struct tcp_proxy {
    int lfd;
    int wake;                  /* eventfd: a connection ended, or stop */
    pthread_t thread;          /* accepts and reaps */
    struct sockaddr_storage up;
    socklen_t uplen;
    int port;
    uint64_t seed;
    rng_t rng;                 /* the accepting thread's only */
    uint64_t accepted;         /* the accepting thread's only */

    pthread_mutex_t mu;        /* guards tox, stopping, live, done, nlive, fd[DOWN] */
    pthread_cond_t changed;    /* toxics changed, a connection is dying or ended */
    proxy_toxics tox;
    atomic_uint tox_gen;       /* bumped under mu on every change */
    bool stopping;
    proxy_conn *live, *done;
    size_t nlive;

    atomic_size_t open, resets;
};

/* Returns whether the toxics act on connection c (its share of them). */
bool proxy_affected(const proxy_toxics *t, const proxy_conn *c);

/* Copies the proxy's toxics into *t when they changed since *gen. Returns
 * whether they did. Lock-free when nothing changed. */
bool proxy_refresh(tcp_proxy *p, proxy_toxics *t, unsigned *gen);

/* Blocks while a partition holds connection c. Returns false when c is
 * dying or the proxy stopping. */
bool proxy_wait_out_partition(tcp_proxy *p, proxy_conn *c);

/* Marks c dying (a reset when rst) and wakes its pumps wherever they
 * block. Call with p->mu held. */
void proxy_conn_kill(tcp_proxy *p, proxy_conn *c, bool rst);

/* Returns whether any toxic acts on connection c (its pumps are needed). */
bool proxy_toxic_acts(const proxy_toxics *t, const proxy_conn *c);

/* Drops one reference to c (under p->mu); returns whether it was the
 * last, when the caller frees c with proxy_conn_free after unlocking. */
bool proxy_conn_unref(proxy_conn *c);
void proxy_conn_free(proxy_conn *c);

/* Tells c's pumps to look up from a wait (park changed). */
void proxy_conn_nudge(proxy_conn *c);

/* Moves direction d of c until its source ends (the end is passed on) or
 * c dies. Frees what it queued. Runs on its own thread. */
void proxy_pump(proxy_conn *c, int d);

#endif
