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

/* A present string (an argv or envp entry, a hook's path). */
static int read_present(const uint8_t *buf, uint32_t len, uint32_t *pos, const char **out)
{
    if (read_string(buf, len, pos, out) < 0 || *out == NULL)
        return -EINVAL;
    return 0;
}

/* count strings into slots (count + 1 needed: the NULL). */
static int read_list(const uint8_t *buf, uint32_t len, uint32_t *pos, uint32_t *count, const char **slots, uint32_t room)
{
    if (len - *pos < 4)
        return -EINVAL;
    *count = get_u32(buf + *pos);
    *pos += 4;
    if (*count >= room)
        return -E2BIG;
    for (uint32_t k = 0; k < *count; k++) {
        if (read_present(buf, len, pos, &slots[k]) < 0)
            return -EINVAL;
    }
    slots[*count] = NULL;
    return 0;
}

/* One hook at *pos (buf[0..len)), its argv and envp into scratch. */
static int read_hook(const uint8_t *buf, uint32_t len, uint32_t *pos, const char **scratch, uint32_t slots, struct jaula_init_hook *h)
{
    if (len - *pos < 16)
        return -EINVAL;
    h->kind = get_u32(buf + *pos);
    h->index = get_u32(buf + *pos + 4);
    h->flags = get_u32(buf + *pos + 8);
    h->timeout = get_u32(buf + *pos + 12);
    *pos += 16;
    if ((h->kind != JAULA_HOOK_CREATE_CONTAINER && h->kind != JAULA_HOOK_START_CONTAINER) || (h->flags & ~JAULA_HOOKF_KNOWN) != 0)
        return -EINVAL;
    if (read_present(buf, len, pos, &h->path) < 0 || !h->path[0])
        return -EINVAL;
    int rc = read_list(buf, len, pos, &h->argc, scratch, slots);
    if (rc < 0)
        return rc;
    if (h->argc == 0)
        return -EINVAL;
    h->argv = scratch;
    rc = read_list(buf, len, pos, &h->envc, scratch + h->argc + 1, slots - h->argc - 1);
    if (rc < 0)
        return rc;
    h->envp = scratch + h->argc + 1;
    return 0;
}

uint32_t jaula_init_hook_scratch(const struct jaula_final_plan *final)
{
    return final->argc + final->envc + 3;
}

int jaula_init_hook(const struct jaula_init_program *prog, uint32_t i, const char **scratch, uint32_t slots, struct jaula_init_hook *out)
{
    if (!prog || !scratch || !out || i >= prog->n_hooks)
        return -EINVAL;
    uint32_t pos = 0;
    for (uint32_t k = 0; k <= i; k++) {
        int rc = read_hook(prog->hooks, prog->hooks_len, &pos, scratch, slots, out);
        if (rc < 0)
            return rc;
    }
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

/*
 * A create's plan, as the C init runs it (build_rootfs in c_init.c): none of the operations only the managed init
 * serves (a tmpcopyup mount's COPY_UP pause, an idmapped mount's MOVE_MOUNT of a tree the parent made: no such fd
 * reaches the C init), the CONSOLE sent on the sync socket, and exactly one BEFORE_PIVOT pause (the hooks' sync
 * point) before the root changes and one PROCESS pause after it (where the init stops dying with create), neither
 * inside an ALT_ON_EPERM fallback or the operations it skips (they might not run); AFTER_PIVOT, which has no work
 * here, at most once.
 */
static int init_operations_only(const uint8_t *plan, uint32_t len, int sync_fd)
{
    int count = jaula_rootfs_decode(plan, len, NULL, 0);
    if (count < 0)
        return count;
    uint32_t pos = JAULA_ROOTFS_HEADER;
    uint32_t conditional_to = 0; /* ops before this index may be skipped (an ALT_ON_EPERM's fallback) */
    int before_pivot = -1, after_pivot = -1, process = -1, root_changed = -1;
    for (int i = 0; i < count; i++) {
        struct jaula_rootfs_op op;
        if (jaula_rootfs_decode_op(plan, len, &pos, &op) < 0)
            return -EINVAL;
        int conditional = (uint32_t)i < conditional_to;
        if (op.flags & JAULA_OPF_ALT_ON_EPERM)
            conditional_to = (uint32_t)i + 1 + op.skip; /* the decoder checked it stays within the plan */
        switch (op.kind) {
        case JAULA_OP_MOUNT:
            if (op.flags & JAULA_OPF_COPY_UP)
                return -EINVAL;
            break;
        case JAULA_OP_MOVE_MOUNT:
            return -EINVAL;
        case JAULA_OP_CONSOLE:
            if (op.fd != sync_fd)
                return -EINVAL;
            break;
        case JAULA_OP_PIVOT:
        case JAULA_OP_MOVE_CHROOT:
        case JAULA_OP_CHROOT:
            if (root_changed < 0)
                root_changed = i;
            break;
        case JAULA_OP_PAUSE: {
            int *seen = op.arg == JAULA_PAUSE_BEFORE_PIVOT ? &before_pivot : op.arg == JAULA_PAUSE_PROCESS ? &process : &after_pivot;
            if (conditional || *seen >= 0)
                return -EINVAL;
            *seen = i;
            break;
        }
        default:
            break;
        }
    }
    if (before_pivot < 0 || process < 0 || process < before_pivot || (root_changed >= 0 && root_changed < before_pivot))
        return -EINVAL;
    return 0;
}

int jaula_init_decode(const uint8_t *buf, uint32_t len, int sync_fd, const char **scratch, uint32_t slots,
                      struct jaula_init_program *out, struct jaula_final_plan *final)
{
    if (!buf || !scratch || !out || !final || ((uintptr_t)buf % 8) != 0 || sync_fd < 3 || sync_fd > 0x7FFFFFFE)
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
    out->n_hooks = get_u32(buf + 24);
    if ((out->flags & ~JAULA_INIT_KNOWN_FLAGS) != 0)
        return -EINVAL;
    if (out->n_hooks > JAULA_INIT_MAX_HOOKS)
        return -E2BIG;
    int exec = (out->flags & JAULA_INIT_EXEC) != 0;
    if ((out->flags & JAULA_INIT_EXEC_CHROOT) && !exec)
        return -EINVAL;
    if (exec && (out->n_hooks > 0 || (out->flags & JAULA_INIT_HOOKS_DUE)))
        return -EINVAL; /* an exec runs no hook */
    uint32_t pos = JAULA_INIT_FIXED;
    if (read_string(buf, len, &pos, &out->cwd) < 0 || read_string(buf, len, &pos, &out->name) < 0
        || read_string(buf, len, &pos, &out->search_path) < 0)
        return -EINVAL;
    if (!out->cwd || out->cwd[0] != '/' || !out->name || !out->name[0] || !out->search_path)
        return -EINVAL;
    if (read_string(buf, len, &pos, &out->create_state) < 0 || read_string(buf, len, &pos, &out->start_state) < 0)
        return -EINVAL;
    /* The hooks are walked once here without scratch (their lists checked against the buffer, counted), and again with
     * it below, once the final plan says how much scratch is left. */
    out->hooks = buf + pos;
    uint32_t hooks_start = pos;
    for (uint32_t i = 0; i < out->n_hooks; i++) {
        if (len - pos < 16)
            return -EINVAL;
        uint32_t kind = get_u32(buf + pos);
        /* createContainer hooks first, then startContainer ones */
        if (kind == JAULA_HOOK_CREATE_CONTAINER) {
            if (out->n_create != i)
                return -EINVAL;
            out->n_create++;
        }
        pos += 16;
        const char *str;
        if (read_present(buf, len, &pos, &str) < 0)
            return -EINVAL;
        for (int list = 0; list < 2; list++) {
            if (len - pos < 4)
                return -EINVAL;
            uint32_t count = get_u32(buf + pos);
            pos += 4;
            if (count > JAULA_INIT_MAX_PROGRAM / 5)
                return -EINVAL;
            for (uint32_t k = 0; k < count; k++) {
                if (read_present(buf, len, &pos, &str) < 0)
                    return -EINVAL;
            }
        }
    }
    out->hooks_len = pos - hooks_start;
    if ((out->n_create > 0 && (!out->create_state || !(out->flags & JAULA_INIT_HOOKS_DUE)))
        || (out->n_hooks > out->n_create && !out->start_state))
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
    /* An exec's final phase reports on the sync socket; a create's has none (the C init reports READY itself and the
     * parent is gone by the final phase) and waits on the exec fifo, the fd after the sync socket (native/stage.h). */
    if (exec)
        return final->report_fd == sync_fd && final->fifo_fd == -1 ? exec_operations_only(out->rootfs, out->rootfs_len) : -EINVAL;
    if (final->report_fd != -1 || final->fifo_fd != sync_fd + 1)
        return -EINVAL;
    rc = init_operations_only(out->rootfs, out->rootfs_len, sync_fd);
    if (rc < 0)
        return rc;
    /* Every hook decodes into the scratch the final plan leaves (HOME's slot kept). */
    uint32_t first = jaula_init_hook_scratch(final);
    if (out->n_hooks > 0 && first >= slots)
        return -E2BIG;
    uint32_t at = 0;
    for (uint32_t i = 0; i < out->n_hooks; i++) {
        struct jaula_init_hook h;
        rc = read_hook(out->hooks, out->hooks_len, &at, scratch + first, slots - first, &h);
        if (rc < 0)
            return rc;
    }
    return at == out->hooks_len ? 0 : -EINVAL;
}

int jaula_c_init_marker(int argc, char **argv, char **envp)
{
    /* Exactly ["jaula", "init-c", "<fd>"] (NULL-terminated, whatever argc claims) and ["JAULA_INIT=c"]. */
    if (argc != 3 || !argv || !envp || !argv[0] || !argv[1] || !argv[2] || argv[3] != NULL)
        return -1;
    if (strcmp(argv[0], "jaula") != 0 || strcmp(argv[1], "init-c") != 0)
        return -1;
    if (!envp[0] || strcmp(envp[0], "JAULA_INIT=c") != 0 || envp[1] != NULL)
        return -1;
    /* The fd as the parent writes it: decimal, no sign, no leading zero, at least 3 (above stderr). */
    const char *s = argv[2];
    long fd = 0;
    if (*s < '1' || *s > '9')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || fd > 100000)
            return -1;
        fd = fd * 10 + (*s - '0');
    }
    return fd >= 3 && fd <= 1000000 ? (int)fd : -1;
}
