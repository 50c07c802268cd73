/*
 * See rootfs_plan.h: checks and decodes a rootfs plan. No malloc, no stdio, no system call: pure and fuzzed
 * (tests/fuzz). Every read is checked against the buffer before it happens.
 */
#include "rootfs_plan.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p + 4) << 32 | get_u32(p);
}

/* A string: u32 length with its NUL (0: absent, NULL), then the bytes; no NUL before the last one. */
static int read_string(const uint8_t *plan, uint32_t len, uint32_t *pos, const char **out)
{
    if (len - *pos < 4)
        return -EINVAL;
    uint32_t n = get_u32(plan + *pos);
    *pos += 4;
    if (n == 0) {
        *out = NULL;
        return 0;
    }
    if (n > JAULA_ROOTFS_MAX_PATH)
        return -E2BIG;
    if (n > len - *pos)
        return -EINVAL;
    const uint8_t *p = plan + *pos;
    if (p[n - 1] != 0 || memchr(p, 0, n - 1) != NULL)
        return -EINVAL;
    *out = (const char *)p;
    *pos += n;
    return 0;
}

int jaula_rootfs_decode_op(const uint8_t *plan, uint32_t len, uint32_t *pos, struct jaula_rootfs_op *op)
{
    if (*pos > len || len - *pos < JAULA_ROOTFS_OP_FIXED)
        return -EINVAL;
    const uint8_t *p = plan + *pos;
    op->kind = get_u32(p);
    op->flags = get_u32(p + 4);
    op->field_kind = get_u32(p + 8);
    op->field_index = get_u32(p + 12);
    op->mount_flags = get_u64(p + 16);
    op->attr_set = get_u64(p + 24);
    op->attr_clr = get_u64(p + 32);
    op->dev = get_u64(p + 40);
    op->mode = get_u32(p + 48);
    op->uid = get_u32(p + 52);
    op->gid = get_u32(p + 56);
    op->fd = (int32_t)get_u32(p + 60);
    op->skip = get_u32(p + 64);
    op->arg = get_u32(p + 68);
    *pos += JAULA_ROOTFS_OP_FIXED;
    int rc;
    if ((rc = read_string(plan, len, pos, &op->path)) < 0 || (rc = read_string(plan, len, pos, &op->source)) < 0
        || (rc = read_string(plan, len, pos, &op->fstype)) < 0 || (rc = read_string(plan, len, pos, &op->data)) < 0)
        return rc;
    return 0;
}

static int one_resolve(uint32_t flags)
{
    uint32_t r = flags & JAULA_OPF_RESOLVE_MASK;
    return r == JAULA_OPF_RESOLVE_EXISTING || r == JAULA_OPF_RESOLVE_MKDIR || r == JAULA_OPF_RESOLVE_FILE;
}

static int is_mount_kind(uint32_t kind)
{
    return kind == JAULA_OP_MOUNT || kind == JAULA_OP_MOVE_MOUNT || kind == JAULA_OP_SETATTR;
}

/* The kinds that work on a path (the others take none). */
static int takes_path(uint32_t kind)
{
    switch (kind) {
    case JAULA_OP_OPEN_NULL:
    case JAULA_OP_PAUSE:
    case JAULA_OP_SETSID:
    case JAULA_OP_REQUIRE_PROCFS:
    case JAULA_OP_RLIMIT:
    case JAULA_OP_CAPBSET_DROP:
    case JAULA_OP_UMASK:
        return 0;
    default:
        return 1;
    }
}

/* The flags each kind takes: the mount flags for the three mount kinds, the process flags for a few others. */
static uint32_t allowed_flags(uint32_t kind)
{
    if (is_mount_kind(kind))
        return JAULA_OPF_MOUNT_KNOWN;
    if (kind == JAULA_OP_SETSID || kind == JAULA_OP_KEYRING)
        return JAULA_OPF_TOLERATE | JAULA_OPF_WARN;
    if (kind == JAULA_OP_PROC_WRITE)
        return JAULA_OPF_PROC_SELF;
    if (kind == JAULA_OP_CONSOLE)
        return JAULA_OPF_CONSOLE_SIZE;
    return 0;
}

/* What each kind needs and allows; index is the op's, count the plan's (for skip). */
static int check_op(const struct jaula_rootfs_op *op, uint32_t index, uint32_t count)
{
    if (op->kind < 1 || op->kind > JAULA_OP_LAST || (op->flags & ~allowed_flags(op->kind)) != 0)
        return -EINVAL;
    if (op->fd < -1)
        return -EINVAL;
    if (takes_path(op->kind) && op->path == NULL)
        return -EINVAL;
    if ((op->flags & JAULA_OPF_WARN) && !(op->flags & JAULA_OPF_TOLERATE))
        return -EINVAL;
    /* Only ALT_ON_EPERM takes a skip. */
    if (op->flags & JAULA_OPF_ALT_ON_EPERM) {
        if (op->skip == 0 || op->skip > count - index - 1 || (op->flags & JAULA_OPF_COPY_UP))
            return -EINVAL;
    } else if (op->skip != 0) {
        return -EINVAL;
    }
    switch (op->kind) {
    case JAULA_OP_MOUNT:
        if (!one_resolve(op->flags))
            return -EINVAL;
        if ((op->flags & JAULA_OPF_SOURCE_SELF) && op->source != NULL)
            return -EINVAL;
        if ((op->flags & JAULA_OPF_COPY_UP) && (op->flags & JAULA_OPF_RESOLVE_MASK) != JAULA_OPF_RESOLVE_MKDIR)
            return -EINVAL;
        break;
    case JAULA_OP_MOVE_MOUNT:
        if (!one_resolve(op->flags) || (op->flags & ~JAULA_OPF_RESOLVE_MASK) != 0 || op->fd < 0)
            return -EINVAL;
        break;
    case JAULA_OP_SETATTR:
        if (op->flags != JAULA_OPF_RESOLVE_EXISTING)
            return -EINVAL;
        break;
    case JAULA_OP_SYMLINK:
        if (op->source == NULL)
            return -EINVAL;
        break;
    case JAULA_OP_PAUSE:
        if (op->arg != JAULA_PAUSE_BEFORE_PIVOT && op->arg != JAULA_PAUSE_AFTER_PIVOT && op->arg != JAULA_PAUSE_PROCESS)
            return -EINVAL;
        break;
    case JAULA_OP_PROC_WRITE:
        if (op->data == NULL)
            return -EINVAL;
        break;
    case JAULA_OP_RLIMIT:
    case JAULA_OP_CAPBSET_DROP:
        if (op->arg > 63)
            return -EINVAL;
        break;
    case JAULA_OP_UMASK:
        if (op->mode > 0777)
            return -EINVAL;
        break;
    case JAULA_OP_CONSOLE:
        /* the ptmx, the sync socket, and a window size of 16-bit rows and cols, given only with its flag */
        if (op->source == NULL || op->fd < 0 || op->uid > 0xFFFFU || op->gid > 0xFFFFU)
            return -EINVAL;
        if (!(op->flags & JAULA_OPF_CONSOLE_SIZE) && (op->uid != 0 || op->gid != 0))
            return -EINVAL;
        break;
    default:
        break;
    }
    return 0;
}

int jaula_rootfs_decode(const uint8_t *plan, uint32_t len, struct jaula_rootfs_op *out, uint32_t room)
{
    if (!plan)
        return -EINVAL;
    if (len > JAULA_ROOTFS_MAX_PLAN)
        return -E2BIG;
    if (len < JAULA_ROOTFS_HEADER || get_u32(plan) != JAULA_ROOTFS_MAGIC || get_u32(plan + 4) != len
        || get_u32(plan + 12) != 0)
        return -EINVAL;
    uint32_t count = get_u32(plan + 8);
    if (count > JAULA_ROOTFS_MAX_OPS)
        return -E2BIG;
    if (out && count > room)
        return -E2BIG;
    uint32_t pos = JAULA_ROOTFS_HEADER;
    for (uint32_t i = 0; i < count; i++) {
        struct jaula_rootfs_op op;
        int rc = jaula_rootfs_decode_op(plan, len, &pos, &op);
        if (rc < 0)
            return rc;
        if ((rc = check_op(&op, i, count)) < 0)
            return rc;
        if (out)
            out[i] = op;
    }
    if (pos != len)
        return -EINVAL;
    return (int)count;
}
