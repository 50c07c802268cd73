/*
 * seccomp for jaula: build a filter with libseccomp (linked statically), export its BPF, and install a BPF program
 * (a notifying one, before the init reports ready; every other filter is loaded by final_phase.c). The C# side (SeccompInterop.cs) mirrors these structs; change both together.
 *
 * Compiling happens in the parent (`jaula create`); the init only installs the bytes it was handed, so no libseccomp
 * code and no allocation runs between the install and the container's execve.
 */
#ifndef JAULA_SECCOMP_FILTER_H
#define JAULA_SECCOMP_FILTER_H

#include <stdint.h>

#define JAULA_SECCOMP_MAX_ARGS 6
#define JAULA_SECCOMP_MAX_RULES 65536
#define JAULA_SECCOMP_MAX_ARCHES 32
#define JAULA_SECCOMP_MAX_BPF (4096 * 8) /* BPF_MAXINSNS instructions of 8 bytes */

struct jaula_seccomp_arg {
    uint32_t index;     /* 0..5 */
    uint32_t op;        /* enum scmp_compare (1 NE .. 7 MASKED_EQ) */
    uint64_t value;     /* datum_a (the mask for MASKED_EQ) */
    uint64_t value_two; /* datum_b */
};

struct jaula_seccomp_rule {
    const char *name;   /* syscall name; unknown names are skipped, as runc does */
    uint32_t action;    /* SCMP_ACT_* value, errno already folded in */
    uint32_t n_args;
    const struct jaula_seccomp_arg *args;
};

struct jaula_seccomp_filter {
    uint32_t default_action;
    uint32_t n_arches;
    const char *const *arches; /* libseccomp names: "x86_64", "x86", "x32", ... */
    uint32_t n_rules;
    const struct jaula_seccomp_rule *rules;
};

/*
 * Builds the filter and writes its BPF to out (at most cap bytes).
 * Returns the BPF length in bytes, or -errno; on failure *failed_item says what failed: -1 the default action,
 * -2-i architecture i, i >= 0 rule i.
 */
int jaula_seccomp_compile(const struct jaula_seccomp_filter *filter, uint8_t *out, uint32_t cap, int32_t *failed_item);

/* libseccomp's version as major * 10000 + minor * 100 + micro (a cache key must change with it). */
int jaula_seccomp_version(void);

/* 1 when libseccomp knows the syscall name on the native architecture, 0 when not. */
int jaula_seccomp_syscall_known(const char *name);

/*
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, prog). Returns the listener fd with SECCOMP_FILTER_FLAG_NEW_LISTENER,
 * else 0; -errno on failure.
 */
int jaula_seccomp_install(const uint8_t *bpf, uint32_t len, uint32_t flags);

#endif
