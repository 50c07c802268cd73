/*
 * What the fuzz drivers share: the xorshift generator they mutate with, and little-endian stores. Include once, in
 * the driver's one translation unit.
 */
#ifndef JAULA_FUZZ_COMMON_H
#define JAULA_FUZZ_COMMON_H

#include <stdint.h>

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint32_t below(uint32_t n) { return n ? (uint32_t)(next() % n) : 0; }

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

#endif
