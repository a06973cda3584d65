/*
 * gen_rng.c -- the generator's only source of randomness: xoshiro256**
 * (Blackman & Vigna) seeded through splitmix64.  Each unit gets its own
 * streams so a unit's records do not depend on which other units or
 * formats are generated; libc rand() is never used (not reproducible
 * across C libraries).
 */
#include "gen.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t stream, uint64_t salt) {
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL) ^ (salt << 17) ^ salt;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t gen_rng_next(gen_rng *r) {
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

double gen_rng_unif(gen_rng *r) {
    return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

uint32_t gen_rng_below(gen_rng *r, uint32_t n) {
    /* Lemire's multiply-shift; the tiny bias is irrelevant for test data */
    return (uint32_t)(((gen_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double gen_rng_range(gen_rng *r, double lo, double hi) {
    return lo + (hi - lo) * gen_rng_unif(r);
}

int gen_rng_chance(gen_rng *r, double p) { return gen_rng_unif(r) < p; }

double gen_rng_normal(gen_rng *r) {
    double u1 = gen_rng_unif(r), u2 = gen_rng_unif(r);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

uint64_t gen_hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;    /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}
