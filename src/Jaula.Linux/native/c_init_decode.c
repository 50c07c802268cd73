/*
 * See c_init.h: checks and decodes an init program. No malloc, no stdio, no system call: pure (tests/fuzz), every
 * read checked against the buffer before it happens.
 */
#include "c_init.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rootfs_plan.h"

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* u32 length with the NUL (0: absent), the bytes; no NUL before the last one. */
static int read_string(const uint8_t *buf, uint32_t len, uint32_t *pos, const char **out)
{
    if (len - *pos < 4)
        return -EINVAL;
    uint32_t n = get_u32(buf + *pos);
    *pos += 4;
    if (n == 0) {
        *out = NULL;
        return 0;
    }
    if (n > len - *pos)
        return -EINVAL;
    const uint8_t *p = buf + *pos;
    if (p[n - 1] != 0 || memchr(p, 0, n - 1) != NULL)
        return -EINVAL;
    *out = (const char *)p;
    *pos += n;
    return 0;
}

static int pad8(uint32_t len, uint32_t *pos)
{
    uint32_t pad = (8 - *pos % 8) % 8;
    if (pad > len - *pos)
        return -EINVAL;
    *pos += pad;
    return 0;
}

/* An exec's plan: only the process operations a running container's new process makes (no mounts, no session). */
static int exec_operations_only(const uint8_t *plan, uint32_t len)
{
    int count = jaula_rootfs_decode(plan, len, NULL, 0);
    if (count < 0)
        return count;
    uint32_t pos = JAULA_ROOTFS_HEADER;
    for (int i = 0; i < count; i++) {
        struct jaula_rootfs_op op;
        if (jaula_rootfs_decode_op(plan, len, &pos, &op) < 0)
            return -EINVAL;
        switch (op.kind) {
        case JAULA_OP_REQUIRE_PROCFS:
        case JAULA_OP_PROC_WRITE:
        case JAULA_OP_RLIMIT:
        case JAULA_OP_CAPBSET_DROP:
        case JAULA_OP_CHDIR:
        case JAULA_OP_UMASK:
            break;
        default:
            return -EINVAL;
        }
    }
    return 0;
}

int jaula_init_decode(const uint8_t *buf, uint32_t len, const char **scratch, uint32_t slots, struct jaula_init_program *out,
                      struct jaula_final_plan *final)
{
    if (!buf || !scratch || !out || !final || ((uintptr_t)buf % 8) != 0)
        return -EINVAL;
    if (len > JAULA_INIT_MAX_PROGRAM)
        return -E2BIG;
    if (len < JAULA_INIT_FIXED)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    if (get_u32(buf) != JAULA_INIT_MAGIC || get_u32(buf + 4) != len)
        return -EINVAL;
    out->flags = get_u32(buf + 8);
    out->home_uid = get_u32(buf + 12);
    out->rootfs_len = get_u32(buf + 16);
    out->final_len = get_u32(buf + 20);
    if ((out->flags & ~JAULA_INIT_KNOWN_FLAGS) != 0)
        return -EINVAL;
    int exec = (out->flags & JAULA_INIT_EXEC) != 0;
    if ((out->flags & JAULA_INIT_EXEC_CHROOT) && !exec)
        return -EINVAL;
    uint32_t pos = JAULA_INIT_FIXED;
    if (read_string(buf, len, &pos, &out->cwd) < 0 || read_string(buf, len, &pos, &out->name) < 0
        || read_string(buf, len, &pos, &out->search_path) < 0)
        return -EINVAL;
    if (!out->cwd || out->cwd[0] != '/' || !out->name || !out->name[0] || !out->search_path)
        return -EINVAL;
    if (pad8(len, &pos) < 0 || out->rootfs_len > len - pos)
        return -EINVAL;
    out->rootfs = buf + pos;
    pos += out->rootfs_len;
    if (pad8(len, &pos) < 0 || out->final_len != len - pos)
        return -EINVAL;
    out->final = buf + pos;

    int rc = jaula_rootfs_decode(out->rootfs, out->rootfs_len, NULL, 0);
    if (rc < 0)
        return rc;
    rc = jaula_final_decode(out->final, out->final_len, scratch, slots, final);
    if (rc < 0)
        return rc;
    if ((final->flags & (JAULA_FINAL_EARLY_LISTENER | JAULA_FINAL_READY | JAULA_FINAL_FIFO_PIPE | JAULA_FINAL_FIFO_OPEN)) != 0)
        return -EINVAL;
    if (exec)
        return final->report_fd >= 0 && final->fifo_fd == -1 ? exec_operations_only(out->rootfs, out->rootfs_len) : -EINVAL;
    /* The C init reports READY itself and the parent is gone by the final phase: no early listener, no READY in the
     * final plan, no report fd; the exec fifo must be there to wait on. */
    if (final->report_fd != -1 || final->fifo_fd < 0)
        return -EINVAL;
    return 0;
}

int jaula_c_init_marker(int argc, char **argv, char **envp)
{
    if (argc != 3 || !argv || !envp || !argv[1] || strcmp(argv[1], "init-c") != 0)
        return -1;
    if (!envp[0] || strcmp(envp[0], "JAULA_INIT=c") != 0 || envp[1] != NULL)
        return -1;
    const char *s = argv[2];
    long fd = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || fd > 100000)
            return -1;
        fd = fd * 10 + (*s - '0');
    }
    return fd >= 3 ? (int)fd : -1;
}
