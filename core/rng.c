/* rng.c - xoshiro256** streams with splitmix64 seeding. */
#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

rng_t rng_derive(uint64_t run_seed, const char *purpose, uint64_t index)
{
    /* FNV-1a over the purpose, mixed with the seed and index. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = purpose; p && *p; p++) {
        h ^= (unsigned char)*p;
        h *= 0x100000001b3ULL;
    }
    uint64_t x = run_seed ^ h;
    uint64_t mixed = splitmix64(&x) ^ (index * 0xd1342543de82ef95ULL);
    rng_t r;
    rng_seed(&r, mixed);
    return r;
}

uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t rng_below(rng_t *r, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Lemire's nearly divisionless method, with rejection for exactness. */
    uint64_t x = rng_next(r);
    __uint128_t m = (__uint128_t)x * n;
    uint64_t l = (uint64_t)m;
    if (l < n) {
        uint64_t t = -n % n;
        while (l < t) {
            x = rng_next(r);
            m = (__uint128_t)x * n;
            l = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

int64_t rng_range(rng_t *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX)
        return (int64_t)rng_next(r);
    return (int64_t)((uint64_t)lo + rng_below(r, span + 1));
}

double rng_double(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

bool rng_chance(rng_t *r, double p)
{
    return rng_double(r) < p;
}

size_t rng_weighted(rng_t *r, const unsigned *weights, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    if (total == 0)
        return n;
    uint64_t x = rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}
