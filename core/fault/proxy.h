/* proxy.h - a TCP proxy on loopback between the workers and the server,
 * through which melee's network faults act (no iptables, no tc).
 *
 * It listens on 127.0.0.1 on a free port and forwards each accepted
 * connection to the upstream host and port: one thread accepts, and each
 * connection has a thread per direction that writes what it reads at once
 * while no toxic acts on it. Its toxics follow toxiproxy's vocabulary:
 * latency and jitter (ms), bandwidth rate (KB/s), each per stream (upstream: client
 * to server, downstream: server to client), applied to a share of the
 * connections (toxicity); partition passes nothing either way (new
 * connections are accepted and held) until healed, when the connections
 * that survived carry on; reset sends RST on every connection.
 *
 * A client in this process (melee's workers) may adopt its connection
 * (proxy_adopt): while no toxic acts on it, its own socket is then pointed
 * at the server directly and the proxy moves none of its bytes, so a
 * healthy run pays nothing for the proxy; when a toxic comes, the socket
 * is pointed back through the proxy at the owner's next proxy_settle. */
#ifndef MELEE_PROXY_H
#define MELEE_PROXY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tcp_proxy tcp_proxy;
typedef struct proxy_conn proxy_link;

/* The streams a toxic acts on (toxiproxy: upstream, downstream). */
typedef enum proxy_stream {
    STREAM_UPSTREAM = 1,      /* client to server */
    STREAM_DOWNSTREAM = 2,    /* server to client */
    STREAM_BOTH = 3,
} proxy_stream;

/* Every toxic at once; zero values mean "none". */
typedef struct proxy_toxics {
    bool partition;           /* pass nothing either way */
    bool reset;               /* reset connections as they come */
    int latency_ms;           /* added delay, per stream in latency_streams */
    int jitter_ms;            /* +- this much, uniformly */
    unsigned latency_streams; /* proxy_stream bits */
    int rate_kbps;            /* bandwidth in KB/s, per connection and stream */
    unsigned rate_streams;
    double toxicity;          /* share of connections affected; 0 means 1.0 */
} proxy_toxics;

/* Parses a stream name ("upstream", "downstream", "both"). Returns false
 * for anything else. */
bool proxy_stream_parse(const char *s, proxy_stream *out);

/* Starts a proxy to host:port (host a name or address). Returns NULL and
 * sets *err (caller frees) when it cannot listen or start its thread. */
tcp_proxy *proxy_start(const char *host, int port, unsigned seed, char **err);

/* Returns the loopback port the proxy listens on. */
int proxy_port(const tcp_proxy *p);

/* Replaces the active toxics (the proxy copies *t). reset also sends RST
 * on every open connection at once. */
void proxy_set_toxics(tcp_proxy *p, const proxy_toxics *t);

/* Removes every toxic: data flows again, held connections go upstream. */
void proxy_heal(tcp_proxy *p);

/* Returns the number of client connections open now, and the number
 * reset since the start. */
size_t proxy_open_connections(tcp_proxy *p);
size_t proxy_resets(tcp_proxy *p);

/* Returns the number of open connections whose client talks to the server
 * directly now (adopted links while no toxic acts on them). */
size_t proxy_direct_connections(tcp_proxy *p);

/* Takes over the proxy's connection whose client end is fd, a socket of
 * this process connected through the proxy (libpq's, once connected).
 * Returns the link, the caller's until proxy_release, or NULL when fd is
 * not a client of this proxy. The link starts through the proxy; call
 * proxy_settle to let it go direct. */
proxy_link *proxy_adopt(tcp_proxy *p, int fd);

/* Points the client socket fd at the server directly while no toxic acts
 * on the link, and back through the proxy as soon as one does. Call it
 * from the link's owner, between its uses of fd (no thread may be in a
 * call on fd; before sending, and before reading what came): the bytes
 * keep their order either way. Costs one atomic load while the toxics
 * stay the same. Returns whether the link is direct now. */
bool proxy_settle(proxy_link *l, int fd);

/* Gives the link up, after the owner closed its socket (PQfinish): the
 * connection then ends as one through the proxy would. NULL is a no-op.
 * Release every link before proxy_stop. */
void proxy_release(proxy_link *l);

/* Closes every connection and the listener, joins the threads, frees p. */
void proxy_stop(tcp_proxy *p);

#endif
