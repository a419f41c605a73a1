/* histogram.c - log-bucketed latency histogram. */
#include "histogram.h"

int hist_bucket(uint64_t v)
{
    if (v < 16)
        return (int)v;
    int e = 63 - __builtin_clzll(v);               /* 4..63 */
    int sub = (int)((v >> (e - 3)) & 7);
    return 16 + (e - 4) * 8 + sub;
}

void hist_bucket_range(int b, uint64_t *lo, uint64_t *hi)
{
    if (b < 16) {
        *lo = *hi = (uint64_t)b;
        return;
    }
    int e = (b - 16) / 8 + 4;
    uint64_t sub = (uint64_t)((b - 16) % 8);
    uint64_t width = 1ULL << (e - 3);
    *lo = (8 + sub) * width;
    *hi = *lo + width - 1;
}

void hist_record(histogram *h, uint64_t v)
{
    atomic_fetch_add_explicit(&h->buckets[hist_bucket(v)], 1, memory_order_relaxed);
    uint64_t m = atomic_load_explicit(&h->max, memory_order_relaxed);
    while (v > m && !atomic_compare_exchange_weak_explicit(&h->max, &m, v, memory_order_relaxed,
                                                           memory_order_relaxed))
        ;
}

uint64_t hist_max(const histogram *h)
{
    return atomic_load_explicit(&h->max, memory_order_relaxed);
}

uint64_t hist_count(const histogram *h)
{
    uint64_t n = 0;
    for (int i = 0; i < HIST_BUCKETS; i++)
        n += atomic_load_explicit(&h->buckets[i], memory_order_relaxed);
    return n;
}

uint64_t hist_counts_quantile(const uint64_t *counts, double q, uint64_t max)
{
    uint64_t total = 0;
    for (int i = 0; i < HIST_BUCKETS; i++)
        total += counts[i];
    if (total == 0)
        return 0;
    if (q < 0)
        q = 0;
    if (q >= 1)
        return max;
    uint64_t rank = (uint64_t)(q * (double)(total - 1)) + 1, seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) {
            uint64_t lo, hi;
            hist_bucket_range(i, &lo, &hi);
            uint64_t mid = lo + (hi - lo) / 2;
            return mid > max ? max : mid;
        }
    }
    return max;
}

void hist_copy_counts(const histogram *h, uint64_t *counts)
{
    for (int i = 0; i < HIST_BUCKETS; i++)
        counts[i] = atomic_load_explicit(&h->buckets[i], memory_order_relaxed);
}

uint64_t hist_quantile(const histogram *h, double q)
{
    uint64_t max = hist_max(h);
    if (max == 0)
        return 0; /* nothing recorded (or only zeros): most actions of a run,
                     read at every snapshot */
    uint64_t counts[HIST_BUCKETS];
    hist_copy_counts(h, counts);
    return hist_counts_quantile(counts, q, max);
}
