/* histogram.h - a lock-free log-bucketed latency histogram (microseconds).
 *
 * Values below 16 get their own bucket; above, each power of two is split
 * into 8 sub-buckets, so a reported percentile is within 12.5% of the true
 * value. Many threads may record at once; readers see a near-consistent
 * view without stopping writers. */
#ifndef MELEE_HISTOGRAM_H
#define MELEE_HISTOGRAM_H

#include <stdatomic.h>
#include <stdint.h>

#define HIST_BUCKETS 496

typedef struct histogram {
    _Atomic uint64_t buckets[HIST_BUCKETS];
    _Atomic uint64_t max;
} histogram;

/* Records one value: one atomic add to its bucket (the maximum is written
 * only when it grows). */
void hist_record(histogram *h, uint64_t v);

/* Returns the value at quantile q in [0,1] (the midpoint of its bucket,
 * capped at the maximum seen), or 0 when empty. */
uint64_t hist_quantile(const histogram *h, double q);

/* Copies the bucket counts into counts[HIST_BUCKETS] (a near-consistent
 * view: writers are not stopped). */
void hist_copy_counts(const histogram *h, uint64_t *counts);

/* Returns the value at quantile q of plain bucket counts (a copy, or the
 * difference of two copies), capped at max; 0 when they are all zero. */
uint64_t hist_counts_quantile(const uint64_t *counts, double q, uint64_t max);

/* Returns the largest value recorded. */
uint64_t hist_max(const histogram *h);

/* Returns the number of values recorded (the sum of the buckets: for
 * readers, the writers keep no total). */
uint64_t hist_count(const histogram *h);

/* Exposed for tests: the bucket of v and a bucket's [lo, hi] range. */
int hist_bucket(uint64_t v);
void hist_bucket_range(int b, uint64_t *lo, uint64_t *hi);

#endif
