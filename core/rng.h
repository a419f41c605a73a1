/* rng.h - seeded pseudo-random streams (xoshiro256**).
 *
 * One run seed; every consumer derives its own independent stream from it
 * with rng_derive(), so a thread's sequence never depends on what other
 * threads drew.  Streams are plain values: copy one to replay it. */
#ifndef MELEE_RNG_H
#define MELEE_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng_t;

/* Seeds *r from a single 64-bit value (splitmix64 expansion). */
void rng_seed(rng_t *r, uint64_t seed);

/* Returns a stream derived from the run seed, a purpose tag and an index,
 * e.g. rng_derive(seed, "worker", 3). Same inputs, same stream. */
rng_t rng_derive(uint64_t run_seed, const char *purpose, uint64_t index);

/* Returns the next 64 random bits. */
uint64_t rng_next(rng_t *r);

/* Returns a uniform integer in [0, n); 0 when n is 0. */
uint64_t rng_below(rng_t *r, uint64_t n);

/* Returns a uniform integer in [lo, hi] (inclusive). */
int64_t rng_range(rng_t *r, int64_t lo, int64_t hi);

/* Returns a uniform double in [0, 1). */
double rng_double(rng_t *r);

/* Returns true with probability p. */
bool rng_chance(rng_t *r, double p);

/* Returns an index in [0, n) drawn with the given weights, or n when every
 * weight is zero. */
size_t rng_weighted(rng_t *r, const unsigned *weights, size_t n);

/* Returns a random element index of an array of n items, n > 0. */
#define rng_pick(r, n) ((size_t)rng_below((r), (uint64_t)(n)))

#endif
