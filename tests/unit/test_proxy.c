/* Tests of the loopback proxy with real sockets: an echo server behind it,
 * clients in front; bytes pass unchanged, latency delays them, a partition
 * blocks them and the same connection carries on after the heal, a reset
 * breaks connections, bandwidth caps the rate. A client that adopts its
 * connection talks to the server directly while no toxic acts, and goes
 * back through the proxy, bytes in order, when one does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fault/proxy.h"
#include "core/util.h"

/* ---- an echo server on loopback: one thread per connection ---- */

static int g_echo_port;

static void *echo_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w <= 0)
                goto out;
            off += w;
        }
out:
    close(fd);
    return NULL;
}

static void *echo_main(void *arg)
{
    int lfd = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            return NULL;
        pthread_t t;
        pthread_create(&t, NULL, echo_conn, (void *)(intptr_t)fd);
        pthread_detach(t);
    }
}

static int echo_start(void)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 64), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
    pthread_t t;
    pthread_create(&t, NULL, echo_main, (void *)(intptr_t)lfd);
    pthread_detach(t);
    return ntohs(a.sin_port);
}

/* ---- clients ---- */

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Reads exactly n bytes within ms. Returns bytes read (< n on timeout),
 * or -1 with errno on error, 0 at EOF. */
static ssize_t read_all(int fd, char *buf, size_t n, int ms)
{
    size_t got = 0;
    uint64_t deadline = now_ns() + (uint64_t)ms * 1000000ULL;
    while (got < n) {
        uint64_t now = now_ns();
        if (now >= deadline)
            break;
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, (int)((deadline - now) / 1000000) + 1) <= 0)
            continue;
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0)
            return -1;
        if (r == 0)
            return (ssize_t)got;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Sends text and returns the ms its echo took, or -1 when it did not come
 * back whole within ms. */
static double round_trip_ms(int fd, const char *text, int ms)
{
    size_t n = strlen(text);
    uint64_t t0 = now_ns();
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    char buf[256];
    ssize_t got = read_all(fd, buf, n, ms);
    if (got != (ssize_t)n)
        return -1;
    assert_memory_equal(buf, text, n);
    return (double)(now_ns() - t0) / 1e6;
}

static tcp_proxy *start_proxy(void)
{
    char *err = NULL;
    tcp_proxy *p = proxy_start("127.0.0.1", g_echo_port, 42, &err);
    if (!p)
        fail_msg("proxy_start: %s", err);
    return p;
}

/* ---- tests ---- */

static void test_passes_bytes_unchanged(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd = dial(proxy_port(p));
    assert_true(round_trip_ms(fd, "hello through the proxy", 2000) >= 0);
    /* A megabyte each way, in both directions at once. */
    size_t big = 1 << 20;
    char *out = xmalloc(big), *in = xmalloc(big);
    for (size_t i = 0; i < big; i++)
        out[i] = (char)(i * 7 + i / 251);
    size_t sent = 0, got = 0;
    while (got < big) {
        struct pollfd pf = {.fd = fd, .events = POLLIN | (sent < big ? POLLOUT : 0)};
        assert_true(poll(&pf, 1, 5000) > 0);
        if ((pf.revents & POLLOUT) && sent < big) {
            ssize_t w = send(fd, out + sent, MIN(big - sent, 65536), MSG_DONTWAIT);
            if (w > 0)
                sent += (size_t)w;
        }
        if (pf.revents & POLLIN) {
            ssize_t r = recv(fd, in + got, big - got, MSG_DONTWAIT);
            assert_true(r > 0);
            got += (size_t)r;
        }
    }
    assert_memory_equal(in, out, big);
    assert_int_equal(proxy_open_connections(p), 1);
    close(fd);
    free(out);
    free(in);
    proxy_stop(p);
}

static void test_latency_delays_each_way(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd = dial(proxy_port(p));
    double quick = round_trip_ms(fd, "ping", 2000);
    assert_true(quick >= 0 && quick < 50);
    proxy_toxics t = {.latency_ms = 100, .latency_streams = STREAM_BOTH};
    proxy_set_toxics(p, &t);
    double slow = round_trip_ms(fd, "ping", 3000);
    assert_true(slow >= 195);          /* 100 ms up and 100 ms down */
    assert_true(slow < 1000);
    t.latency_streams = STREAM_DOWNSTREAM;
    proxy_set_toxics(p, &t);
    double half = round_trip_ms(fd, "ping", 3000);
    assert_true(half >= 95 && half < 190);
    /* Jitter keeps the order of the bytes. */
    proxy_toxics j = {.latency_ms = 20, .jitter_ms = 20, .latency_streams = STREAM_BOTH};
    proxy_set_toxics(p, &j);
    for (int i = 0; i < 20; i++)
        assert_int_equal(write(fd, "abcdefghij", 10), 10);
    char buf[200];
    assert_int_equal(read_all(fd, buf, 200, 3000), 200);
    for (int i = 0; i < 20; i++)
        assert_memory_equal(buf + 10 * i, "abcdefghij", 10);
    proxy_heal(p);
    double healed = round_trip_ms(fd, "ping", 2000);
    assert_true(healed >= 0 && healed < 50);
    close(fd);
    proxy_stop(p);
}

static void test_partition_holds_then_connections_carry_on(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd = dial(proxy_port(p));
    assert_true(round_trip_ms(fd, "before", 2000) >= 0);
    proxy_toxics t = {.partition = true};
    proxy_set_toxics(p, &t);
    /* Nothing passes: no echo within half a second. */
    assert_int_equal(write(fd, "during", 6), 6);
    char buf[16];
    assert_int_equal(read_all(fd, buf, 6, 500), 0);
    /* A new connection is accepted, and held. */
    int fd2 = dial(proxy_port(p));
    assert_int_equal(write(fd2, "second", 6), 6);
    assert_int_equal(read_all(fd2, buf, 6, 300), 0);
    proxy_heal(p);
    /* The same connections carry on: the bytes sent during the partition
     * arrive now. */
    assert_int_equal(read_all(fd, buf, 6, 2000), 6);
    assert_memory_equal(buf, "during", 6);
    assert_int_equal(read_all(fd2, buf, 6, 2000), 6);
    assert_memory_equal(buf, "second", 6);
    assert_true(round_trip_ms(fd, "after", 2000) >= 0);
    close(fd);
    close(fd2);
    proxy_stop(p);
}

static void test_reset_breaks_connections(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd = dial(proxy_port(p));
    assert_true(round_trip_ms(fd, "hello", 2000) >= 0);
    proxy_toxics t = {.reset = true};
    proxy_set_toxics(p, &t);
    char buf[8];
    errno = 0;
    ssize_t r = read_all(fd, buf, 1, 2000);
    assert_true(r == -1 && errno == ECONNRESET);
    assert_true(proxy_resets(p) >= 1);
    /* While the reset lasts, new connections are reset as well. */
    int fd2 = dial(proxy_port(p));
    errno = 0;
    r = read_all(fd2, buf, 1, 2000);
    assert_true(r == -1 && errno == ECONNRESET);
    proxy_heal(p);
    int fd3 = dial(proxy_port(p));
    assert_true(round_trip_ms(fd3, "again", 2000) >= 0);
    close(fd);
    close(fd2);
    close(fd3);
    proxy_stop(p);
}

static void test_bandwidth_caps_the_rate(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd = dial(proxy_port(p));
    proxy_toxics t = {.rate_kbps = 40, .rate_streams = STREAM_DOWNSTREAM};
    proxy_set_toxics(p, &t);
    size_t n = 40 * 1024;
    char *out = xcalloc(1, n), *in = xmalloc(n);
    memset(out, 'x', n);
    uint64_t t0 = now_ns();
    assert_int_equal(write(fd, out, n), (ssize_t)n);
    assert_int_equal(read_all(fd, in, n, 5000), (ssize_t)n);
    double s = (double)(now_ns() - t0) / 1e9;
    assert_true(s >= 0.7 && s < 2.0);   /* 40 KB at 40 KB/s, minus the start */
    proxy_heal(p);
    t0 = now_ns();
    assert_int_equal(write(fd, out, n), (ssize_t)n);
    assert_int_equal(read_all(fd, in, n, 5000), (ssize_t)n);
    assert_true((double)(now_ns() - t0) / 1e9 < 0.3);
    free(out);
    free(in);
    close(fd);
    proxy_stop(p);
}

static void test_toxicity_spares_a_share(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    proxy_toxics t = {.partition = true, .toxicity = 0.5};
    proxy_set_toxics(p, &t);
    int fds[20], passed = 0;
    for (int i = 0; i < 20; i++) {
        fds[i] = dial(proxy_port(p));
        passed += round_trip_ms(fds[i], "x", 200) >= 0;
    }
    assert_true(passed >= 3 && passed <= 17);
    for (int i = 0; i < 20; i++)
        close(fds[i]);
    proxy_stop(p);
}


/* ---- links: adopted connections ---- */

/* Returns the port fd is connected to. */
static int peer_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    assert_int_equal(getpeername(fd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

/* Settles l until it is direct (within 2 s: bytes still inside the proxy
 * keep it through it until they have passed), and checks that fd then
 * talks to the echo server itself. */
static void settle_direct(proxy_link *l, int fd)
{
    uint64_t deadline = now_ns() + 2000000000ULL;
    while (!proxy_settle(l, fd) && now_ns() < deadline)
        usleep(5000);
    assert_int_equal(peer_port(fd), g_echo_port);
}

/* Dials through the proxy and adopts the connection, settled direct. */
static proxy_link *dial_link(tcp_proxy *p, int *fd)
{
    *fd = dial(proxy_port(p));
    assert_true(round_trip_ms(*fd, "hello", 2000) >= 0);   /* the proxy has it */
    fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK);  /* as libpq's is */
    proxy_link *l = proxy_adopt(p, *fd);
    assert_non_null(l);
    settle_direct(l, *fd);
    assert_true(fcntl(*fd, F_GETFL) & O_NONBLOCK);   /* the client's mode kept */
    return l;
}

static void test_link_is_direct_while_no_toxic_acts(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd;
    proxy_link *l = dial_link(p, &fd);
    assert_true(round_trip_ms(fd, "straight", 2000) >= 0);
    /* A latency toxic: the next settle goes back through the proxy. */
    proxy_toxics t = {.latency_ms = 150, .latency_streams = STREAM_UPSTREAM};
    proxy_set_toxics(p, &t);
    assert_false(proxy_settle(l, fd));
    assert_int_equal(peer_port(fd), proxy_port(p));
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(round_trip_ms(fd, "delayed", 2000) >= 140);
    /* Healed: direct again, the same connection carrying on. */
    proxy_heal(p);
    assert_true(proxy_settle(l, fd));
    assert_int_equal(peer_port(fd), g_echo_port);
    double ms = round_trip_ms(fd, "after", 2000);
    assert_true(ms >= 0 && ms < 100);
    close(fd);
    proxy_release(l);
    /* A socket that is not the proxy's client is not adopted. */
    int other = dial(g_echo_port);
    assert_null(proxy_adopt(p, other));
    close(other);
    proxy_stop(p);
}

static void test_link_partition_holds_and_keeps_the_order(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd;
    proxy_link *l = dial_link(p, &fd);
    proxy_toxics t = {.partition = true};
    proxy_set_toxics(p, &t);
    assert_false(proxy_settle(l, fd));
    assert_int_equal(write(fd, "during", 6), 6);
    char buf[16];
    assert_int_equal(read_all(fd, buf, 6, 400), 0);
    proxy_heal(p);
    /* The held bytes are still inside the proxy: the link stays through
     * it until they have passed, then goes direct. */
    assert_int_equal(write(fd, "+more", 5), 5);
    assert_int_equal(read_all(fd, buf, 11, 2000), 11);
    assert_memory_equal(buf, "during+more", 11);
    settle_direct(l, fd);
    assert_true(round_trip_ms(fd, "direct", 2000) >= 0);
    close(fd);
    proxy_release(l);
    proxy_stop(p);
}

static void test_link_reset_while_direct(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    int fd;
    proxy_link *l = dial_link(p, &fd);
    proxy_toxics t = {.reset = true};
    proxy_set_toxics(p, &t);
    char buf[8];
    errno = 0;
    ssize_t r = read_all(fd, buf, 1, 2000);
    assert_true(r == -1 && errno == ECONNRESET);
    close(fd);
    proxy_release(l);
    proxy_heal(p);
    proxy_stop(p);
}

/* Many links through one proxy, settled by their own threads while the
 * toxics come and go: every echo comes back whole and in order. */
enum { LINK_THREADS = 8, LINK_ROUNDS = 400 };
static atomic_int g_direct_rounds, g_through_rounds;

static void *link_client(void *arg)
{
    tcp_proxy *p = arg;
    int fd = dial(proxy_port(p));
    char hello[5];
    long bad = write(fd, "hello", 5) != 5 || read_all(fd, hello, 5, 5000) != 5;  /* accepted */
    proxy_link *l = bad ? NULL : proxy_adopt(p, fd);
    if (!l)
        bad = 1;
    for (int i = 0; i < LINK_ROUNDS && !bad; i++) {
        atomic_fetch_add(proxy_settle(l, fd) ? &g_direct_rounds : &g_through_rounds, 1);
        char msg[32], got[32];
        int n = snprintf(msg, sizeof msg, "m%05d;", i);
        if (write(fd, msg, (size_t)n) != n || read_all(fd, got, (size_t)n, 5000) != n ||
            memcmp(msg, got, (size_t)n) != 0)
            bad = 2 + i;
    }
    close(fd);
    proxy_release(l);
    return (void *)bad;
}

static void test_links_keep_their_bytes_while_toxics_flap(void **state)
{
    (void)state;
    tcp_proxy *p = start_proxy();
    pthread_t th[LINK_THREADS];
    for (int i = 0; i < LINK_THREADS; i++)
        pthread_create(&th[i], NULL, link_client, p);
    for (int i = 0; i < 30; i++) {
        proxy_toxics t = {.latency_ms = 2, .jitter_ms = 1, .latency_streams = STREAM_BOTH};
        proxy_set_toxics(p, &t);
        usleep(10000);
        proxy_heal(p);
        usleep(15000);
    }
    for (int i = 0; i < LINK_THREADS; i++) {
        void *bad;
        pthread_join(th[i], &bad);
        assert_int_equal((long)bad, 0);
    }
    /* Both ways were taken, and changed while the bytes flowed. */
    assert_true(atomic_load(&g_direct_rounds) > 0 && atomic_load(&g_through_rounds) > 0);
    proxy_stop(p);
}

static void test_stream_names(void **state)
{
    (void)state;
    proxy_stream s;
    assert_true(proxy_stream_parse("upstream", &s) && s == STREAM_UPSTREAM);
    assert_true(proxy_stream_parse("downstream", &s) && s == STREAM_DOWNSTREAM);
    assert_true(proxy_stream_parse("both", &s) && s == STREAM_BOTH);
    assert_false(proxy_stream_parse("sideways", &s));
}

static void test_unresolvable_upstream_is_an_error(void **state)
{
    (void)state;
    char *err = NULL;
    assert_null(proxy_start("no-such-host.invalid", 5432, 1, &err));
    assert_non_null(strstr(err, "cannot resolve"));
    free(err);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    g_echo_port = echo_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passes_bytes_unchanged),
        cmocka_unit_test(test_latency_delays_each_way),
        cmocka_unit_test(test_partition_holds_then_connections_carry_on),
        cmocka_unit_test(test_reset_breaks_connections),
        cmocka_unit_test(test_bandwidth_caps_the_rate),
        cmocka_unit_test(test_toxicity_spares_a_share),
        cmocka_unit_test(test_link_is_direct_while_no_toxic_acts),
        cmocka_unit_test(test_link_partition_holds_and_keeps_the_order),
        cmocka_unit_test(test_link_reset_while_direct),
        cmocka_unit_test(test_links_keep_their_bytes_while_toxics_flap),
        cmocka_unit_test(test_stream_names),
        cmocka_unit_test(test_unresolvable_upstream_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
