/*
 * Fuzz driver for the C init's program decoder (src/Jaula.Linux/native/c_init_decode.c, which runs the rootfs and
 * final-phase decoders on the plans inside), built by run.sh with -fsanitize=address,undefined.
 * Usage: init_program_fuzz SEED_DIR ITERATIONS [RNG_SEED]
 * Seeds are programs encoded by C# (tests/fuzz/init-seeds; CInitProgramTests rewrites them with
 * JAULA_WRITE_FUZZ_SEEDS=1). Each iteration mutates one (bit flips, interesting u32 values, truncation, insertion,
 * deletion, the header's length fixed up most of the time) into an exact-size heap copy, so ASan sees any read past
 * its end. A program that decodes must point only inside its buffer; a violation aborts; alarm() catches a hang.
 */
#include "c_init.h"

#include "fuzz_common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SEEDS 16
#define MAX_SEED_BYTES (1U << 20)

static uint8_t *seeds[MAX_SEEDS];
static uint32_t seed_len[MAX_SEEDS];
static int n_seeds;

static const uint32_t interesting[] = {0, 1, 2, 3, 4, 7, 8, 16, 40, 63, 64, 0x1FF, 0x200, 0x7FFFFFFF, 0x80000000U,
                                       0xFFFFFFFFU, 65536};

static int decode(const uint8_t *buf, uint32_t len, struct jaula_init_program *p, struct jaula_final_plan *f)
{
    static const char *scratch[1 << 16];
    return jaula_init_decode(buf, len, 3, scratch, 1 << 16, p, f);
}

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
        FILE *fh = fopen(path, "rb");
        if (!fh)
            continue;
        uint8_t *buf = malloc(MAX_SEED_BYTES);
        size_t n = fread(buf, 1, MAX_SEED_BYTES, fh);
        fclose(fh);
        struct jaula_init_program p;
        struct jaula_final_plan f;
        int rc = decode(buf, (uint32_t)n, &p, &f);
        if (rc < 0) {
            fprintf(stderr, "seed %s does not decode (%d): not a program of this version\n", path, rc);
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

static uint32_t make(uint8_t *work, uint32_t cap)
{
    int s = (int)below((uint32_t)n_seeds);
    uint32_t len = seed_len[s];
    memcpy(work, seeds[s], len);
    int rounds = 1 + (int)below(4);
    for (int r = 0; r < rounds; r++) {
        switch (below(6)) {
        case 0:
            if (len)
                work[below(len)] ^= (uint8_t)(1U << below(8));
            break;
        case 1:
            if (len >= 4) {
                uint32_t at = below(len - 3);
                if (below(2))
                    at &= ~3U;
                put_u32(work + at, interesting[below(sizeof(interesting) / sizeof(interesting[0]))]);
            }
            break;
        case 2:
            len = below(len + 1);
            break;
        case 3:
            if (len + 64 < cap) {
                uint32_t at = below(len + 1), n = 1 + below(64);
                memmove(work + at + n, work + at, len - at);
                for (uint32_t i = 0; i < n; i++)
                    work[at + i] = (uint8_t)next();
                len += n;
            }
            break;
        case 4:
            if (len) {
                uint32_t at = below(len), n = 1 + below(len - at);
                memmove(work + at, work + at + n, len - at - n);
                len -= n;
            }
            break;
        default:
            if (len)
                work[below(len)] = (uint8_t)next();
            break;
        }
    }
    if (len >= 8 && below(4) != 0)
        put_u32(work + 4, len);
    return len;
}

static void inside(const uint8_t *buf, uint32_t len, const char *s)
{
    if (!s)
        return;
    if ((const uint8_t *)s < buf || (const uint8_t *)s >= buf + len)
        abort();
    size_t n = strnlen(s, (size_t)(buf + len - (const uint8_t *)s));
    if ((const uint8_t *)s + n >= buf + len)
        abort();
}

static void check(const uint8_t *buf, uint32_t len, const struct jaula_init_program *p, const struct jaula_final_plan *f)
{
    inside(buf, len, p->cwd);
    inside(buf, len, p->name);
    inside(buf, len, p->search_path);
    if (p->rootfs < buf || p->rootfs + p->rootfs_len > buf + len || p->final < buf || p->final + p->final_len != buf + len)
        abort();
    inside(buf, len, f->path);
    inside(buf, len, f->id);
    for (uint32_t i = 0; i < f->argc; i++)
        inside(buf, len, f->argv[i]);
    for (uint32_t i = 0; i < f->envc; i++)
        inside(buf, len, f->envp[i]);
    if (f->argv[f->argc] || f->envp[f->envc])
        abort();
    /* Every hook of a program that decoded decodes again into the scratch left after the final plan's lists. */
    if (p->create_state)
        inside(buf, len, p->create_state);
    if (p->start_state)
        inside(buf, len, p->start_state);
    if (p->n_create > p->n_hooks || (p->n_hooks && (p->hooks < buf || p->hooks + p->hooks_len > buf + len)))
        abort();
    static const char *hook_scratch[1 << 16];
    uint32_t first = jaula_init_hook_scratch(f);
    for (uint32_t i = 0; i < p->n_hooks; i++) {
        struct jaula_init_hook h;
        if (jaula_init_hook(p, i, hook_scratch, (1 << 16) - first, &h) != 0)
            abort();
        if ((i < p->n_create) != (h.kind == JAULA_HOOK_CREATE_CONTAINER) || h.argc == 0)
            abort();
        inside(buf, len, h.path);
        for (uint32_t k = 0; k < h.argc; k++)
            inside(buf, len, h.argv[k]);
        for (uint32_t k = 0; k < h.envc; k++)
            inside(buf, len, h.envp[k]);
        if (h.argv[h.argc] || h.envp[h.envc])
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
    unsigned long long decoded = 0;
    for (unsigned long long it = 0; it < iterations; it++) {
        alarm(5);
        uint32_t len = make(work, cap);
        uint8_t *exact = malloc(len ? len : 1); /* malloc is 16-aligned: the decoder wants 8 */
        memcpy(exact, work, len);
        struct jaula_init_program p;
        struct jaula_final_plan f;
        if (decode(exact, len, &p, &f) == 0) {
            decoded++;
            check(exact, len, &p, &f);
        }
        free(exact);
    }
    alarm(0);
    printf("init program fuzz: %llu programs, %llu decoded, %d seeds, no crash\n", iterations, decoded, n_seeds);
    free(work);
    return 0;
}
