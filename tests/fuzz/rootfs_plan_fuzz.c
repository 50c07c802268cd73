/*
 * Fuzz driver for the rootfs plan decoder (src/Jaula.Linux/native/rootfs_plan_decode.c), built by run.sh with
 * -fsanitize=address,undefined. Usage: rootfs_plan_fuzz SEED_DIR ITERATIONS [RNG_SEED]
 * Each iteration decodes either random bytes (often behind a valid header) or a seed plan (a real plan compiled by
 * C#, see RootfsPlanCompilerTests) mutated: bit flips, interesting u32 values, truncation, insertion, deletion, a
 * header length fixed up or not. Every buffer is an exact-size heap copy, so ASan sees any read past its end. A
 * plan that decodes must satisfy what the executor relies on (strings inside the buffer, NUL-terminated, known
 * kinds, skips inside the plan); a violation aborts. A hang is caught by alarm().
 */
#include "rootfs_plan.h"

#include "fuzz_common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SEEDS 64
#define MAX_SEED_BYTES (1U << 20)

static uint8_t *seeds[MAX_SEEDS];
static uint32_t seed_len[MAX_SEEDS];
static int n_seeds;

static void load_seeds(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        exit(2);
    }
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) && n_seeds < MAX_SEEDS) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        uint8_t *buf = malloc(MAX_SEED_BYTES);
        size_t n = fread(buf, 1, MAX_SEED_BYTES, f);
        fclose(f);
        int rc = jaula_rootfs_decode(buf, (uint32_t)n, NULL, 0);
        if (rc < 0) {
            fprintf(stderr, "seed %s does not decode (%d): not a plan of this version\n", path, rc);
            exit(2);
        }
        seeds[n_seeds] = buf;
        seed_len[n_seeds++] = (uint32_t)n;
    }
    closedir(d);
    if (n_seeds == 0) {
        fprintf(stderr, "no seeds in %s\n", dir);
        exit(2);
    }
}

static const uint32_t interesting[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 72, 0x7F, 0xFF, 0x100, 0xFFF, 0x1000, 0x1001,
                                       0x7FFFFFFF, 0x80000000U, 0xFFFFFFFEU, 0xFFFFFFFFU, 65536, 65537};

/* A candidate plan in work (capacity cap); returns its length. */
static uint32_t make(uint8_t *work, uint32_t cap)
{
    uint32_t len;
    if (below(8) == 0) {
        len = below(512);
        for (uint32_t i = 0; i < len; i++)
            work[i] = (uint8_t)next();
        if (len >= 16 && below(2)) {
            put_u32(work, JAULA_ROOTFS_MAGIC);
            put_u32(work + 4, len);
            put_u32(work + 8, below(8));
            put_u32(work + 12, 0);
        }
        return len;
    }
    int s = (int)below((uint32_t)n_seeds);
    len = seed_len[s];
    memcpy(work, seeds[s], len);
    int rounds = 1 + (int)below(6);
    for (int r = 0; r < rounds; r++) {
        switch (below(7)) {
        case 0: /* bit flip */
            if (len)
                work[below(len)] ^= (uint8_t)(1U << below(8));
            break;
        case 1: /* an interesting u32 anywhere, often at a field boundary */
            if (len >= 4) {
                uint32_t at = below(len - 3);
                if (below(2))
                    at &= ~3U;
                put_u32(work + at, interesting[below(sizeof(interesting) / sizeof(interesting[0]))]);
            }
            break;
        case 2: /* truncate */
            len = below(len + 1);
            break;
        case 3: /* insert random bytes */
            if (len + 64 < cap) {
                uint32_t at = below(len + 1), n = 1 + below(64);
                memmove(work + at + n, work + at, len - at);
                for (uint32_t i = 0; i < n; i++)
                    work[at + i] = (uint8_t)next();
                len += n;
            }
            break;
        case 4: /* delete a range */
            if (len) {
                uint32_t at = below(len), n = 1 + below(len - at);
                memmove(work + at, work + at + n, len - at - n);
                len -= n;
            }
            break;
        case 5: /* random byte */
            if (len)
                work[below(len)] = (uint8_t)next();
            break;
        default: /* splice another seed's tail */
        {
            int o = (int)below((uint32_t)n_seeds);
            uint32_t from = below(seed_len[o]), at = below(len + 1), n = seed_len[o] - from;
            if (at + n < cap) {
                memcpy(work + at, seeds[o] + from, n);
                len = at + n;
            }
            break;
        }
        }
    }
    if (len >= 8 && below(4) != 0)
        put_u32(work + 4, len); /* keep the header's length consistent most of the time: reach the operations */
    return len;
}

static void check(const uint8_t *buf, uint32_t len, const struct jaula_rootfs_op *ops, int count)
{
    for (int i = 0; i < count; i++) {
        const struct jaula_rootfs_op *op = &ops[i];
        const char *strings[4] = {op->path, op->source, op->fstype, op->data};
        for (int k = 0; k < 4; k++) {
            const char *s = strings[k];
            if (!s)
                continue;
            if ((const uint8_t *)s < buf || (const uint8_t *)s >= buf + len)
                abort();
            size_t n = strnlen(s, (size_t)(buf + len - (const uint8_t *)s));
            if ((const uint8_t *)s + n >= buf + len || n >= JAULA_ROOTFS_MAX_PATH)
                abort();
        }
        if (op->kind < 1 || op->kind > JAULA_OP_LAST || (op->skip && op->skip > (uint32_t)(count - i - 1)))
            abort();
        /* What the executor relies on for a CONSOLE: both paths, the sync socket, a 16-bit size only with its flag. */
        if (op->kind == JAULA_OP_CONSOLE
            && (!op->path || !op->source || op->fd < 0 || op->uid > 0xFFFFU || op->gid > 0xFFFFU
                || (op->flags & ~JAULA_OPF_CONSOLE_SIZE) || (!(op->flags & JAULA_OPF_CONSOLE_SIZE) && (op->uid || op->gid))))
            abort();
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SEED_DIR ITERATIONS [RNG_SEED]\n", argv[0]);
        return 2;
    }
    load_seeds(argv[1]);
    unsigned long long iterations = strtoull(argv[2], NULL, 10);
    rng = argc > 3 ? strtoull(argv[3], NULL, 10) : 0x9E3779B97F4A7C15ULL;
    if (rng == 0)
        rng = 1;
    uint32_t cap = MAX_SEED_BYTES * 2;
    uint8_t *work = malloc(cap);
    static struct jaula_rootfs_op ops[4096];
    unsigned long long decoded = 0;
    for (unsigned long long it = 0; it < iterations; it++) {
        alarm(5); /* one decode taking seconds is a hang */
        uint32_t len = make(work, cap);
        uint8_t *exact = malloc(len ? len : 1);
        memcpy(exact, work, len);
        int a = jaula_rootfs_decode(exact, len, NULL, 0);
        int b = jaula_rootfs_decode(exact, len, ops, 4096);
        if (a >= 0 && a <= 4096 && a != b)
            abort(); /* both passes must agree */
        if (b >= 0) {
            decoded++;
            check(exact, len, ops, b);
        }
        free(exact);
    }
    alarm(0);
    printf("rootfs plan fuzz: %llu plans, %llu decoded, %d seeds, no crash\n", iterations, decoded, n_seeds);
    free(work);
    return 0;
}
