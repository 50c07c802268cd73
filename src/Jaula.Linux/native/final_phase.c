/*
 * See final_phase.h. Rules for this file: raw system calls only, no malloc, no stdio, every length checked against
 * the plan, and after the seccomp filter exactly the calls listed in docs/ARCHITECTURE.md ("After the filter", and
 * "After a notifying filter" for JAULA_FINAL_EARLY_LISTENER).
 */
#include "final_phase.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* ---- decoding ------------------------------------------------------------------------------------------------ */

struct reader {
    const uint8_t *base;
    uint64_t len, pos;
};

static int take(struct reader *r, uint64_t n, const uint8_t **out)
{
    if (n > r->len - r->pos)
        return -EINVAL;
    *out = r->base + r->pos;
    r->pos += n;
    return 0;
}

static int read_u32(struct reader *r, uint32_t *v)
{
    const uint8_t *p;
    if (take(r, 4, &p) < 0)
        return -EINVAL;
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return 0;
}

static int read_u64(struct reader *r, uint64_t *v)
{
    uint32_t lo, hi;
    if (read_u32(r, &lo) < 0 || read_u32(r, &hi) < 0)
        return -EINVAL;
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

static int pad8(struct reader *r)
{
    const uint8_t *p;
    return take(r, (8 - r->pos % 8) % 8, &p);
}

/* A string: u32 length with its NUL, then the bytes; no NUL before the last byte. */
static int read_string(struct reader *r, const char **out)
{
    uint32_t n;
    const uint8_t *p;
    if (read_u32(r, &n) < 0 || n == 0 || take(r, n, &p) < 0)
        return -EINVAL;
    if (p[n - 1] != 0 || memchr(p, 0, n - 1) != NULL)
        return -EINVAL;
    *out = (const char *)p;
    return 0;
}

static int read_strings(struct reader *r, uint32_t count, const char **slots, uint32_t room)
{
    if (count >= room) /* one slot more for the NULL */
        return -E2BIG;
    for (uint32_t i = 0; i < count; i++) {
        if (read_string(r, &slots[i]) < 0)
            return -EINVAL;
    }
    slots[count] = NULL;
    return 0;
}

int jaula_final_decode(const uint8_t *plan, uint32_t len, const char **scratch, uint32_t slots, struct jaula_final_plan *out)
{
    if (!plan || !scratch || !out || ((uintptr_t)plan % 8) != 0)
        return -EINVAL;
    if (len > JAULA_FINAL_MAX_PLAN)
        return -E2BIG;
    memset(out, 0, sizeof(*out));
    struct reader r = {.base = plan, .len = len, .pos = 0};
    uint32_t magic, total, fifo, report, fd_dir;
    if (read_u32(&r, &magic) < 0 || magic != JAULA_FINAL_MAGIC || read_u32(&r, &total) < 0 || total != len)
        return -EINVAL;
    if (read_u32(&r, &out->flags) < 0 || (out->flags & ~JAULA_FINAL_KNOWN_FLAGS) != 0 || read_u32(&r, &out->uid) < 0
        || read_u32(&r, &out->gid) < 0 || read_u32(&r, &fifo) < 0 || read_u32(&r, &report) < 0 || read_u32(&r, &fd_dir) < 0
        || read_u32(&r, &out->keep_fds_from) < 0 || read_u32(&r, &out->personality) < 0
        || read_u32(&r, &out->seccomp_flags) < 0)
        return -EINVAL;
    out->fifo_fd = (int32_t)fifo;
    out->report_fd = (int32_t)report;
    out->fd_dir = (int32_t)fd_dir;
    if (out->fifo_fd < -1 || out->report_fd < -1 || out->fd_dir < -1 || out->keep_fds_from < 3)
        return -EINVAL;
    if ((out->flags & JAULA_FINAL_FIFO_OPEN) && out->fifo_fd < 0)
        return -EINVAL;
    /* Only the calling thread is filtered (execve then drops the others); a listener fd travels only in an early load,
     * to a parent listening on report_fd, and READY is sent only by `create`, which waits on a fifo not yet open. */
    int early = (out->flags & JAULA_FINAL_EARLY_LISTENER) != 0;
    if (out->seccomp_flags & SECCOMP_FILTER_FLAG_TSYNC)
        return -EINVAL;
    if (early != ((out->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0) || (early && out->report_fd < 0))
        return -EINVAL;
    if ((out->flags & JAULA_FINAL_READY) && (!early || out->fifo_fd < 0 || (out->flags & JAULA_FINAL_FIFO_OPEN)))
        return -EINVAL;
    if ((out->flags & JAULA_FINAL_FIFO_PIPE) && !(out->flags & JAULA_FINAL_READY))
        return -EINVAL;
    if (read_u64(&r, &out->effective) < 0 || read_u64(&r, &out->permitted) < 0 || read_u64(&r, &out->inheritable) < 0
        || read_u64(&r, &out->ambient) < 0)
        return -EINVAL;

    const uint8_t *p;
    if (read_u32(&r, &out->n_groups) < 0)
        return -EINVAL;
    if (out->n_groups > JAULA_FINAL_MAX_GROUPS)
        return -E2BIG;
    if (take(&r, (uint64_t)out->n_groups * 4, &p) < 0 || pad8(&r) < 0)
        return -EINVAL;
    out->groups = (const uint32_t *)(const void *)p;

    if (read_u32(&r, &out->bpf_len) < 0)
        return -EINVAL;
    if (out->bpf_len > JAULA_FINAL_MAX_BPF)
        return -E2BIG;
    if (out->bpf_len % sizeof(struct sock_filter) != 0 || pad8(&r) < 0 || take(&r, out->bpf_len, &p) < 0 || pad8(&r) < 0)
        return -EINVAL;
    out->bpf = out->bpf_len ? p : NULL;
    if (early && out->bpf_len == 0)
        return -EINVAL;

    if (read_string(&r, &out->path) < 0 || read_string(&r, &out->id) < 0)
        return -EINVAL;
    int rc;
    if (read_u32(&r, &out->argc) < 0 || out->argc == 0)
        return -EINVAL;
    if ((rc = read_strings(&r, out->argc, scratch, slots)) < 0)
        return rc;
    out->argv = scratch;
    uint32_t used = out->argc + 1;
    if (read_u32(&r, &out->envc) < 0)
        return -EINVAL;
    if ((rc = read_strings(&r, out->envc, scratch + used, slots - used)) < 0)
        return rc;
    out->envp = scratch + used;
    return r.pos == r.len ? 0 : -EINVAL;
}

/* ---- reporting ----------------------------------------------------------------------------------------------- */

struct text {
    char buf[4096];
    size_t len;
};

static void put(struct text *t, const char *s)
{
    while (*s && t->len + 1 < sizeof(t->buf))
        t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

/* JSON string content: quotes, backslashes and control characters escaped; UTF-8 passes as is. */
static void put_json(struct text *t, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[7] = {0};
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
        } else if (c < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
        } else {
            esc[0] = (char)c;
        }
        put(t, esc);
    }
}

static void put_int(struct text *t, long v)
{
    char digits[24];
    int n = 0;
    unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < (int)sizeof(digits) - 1);
    if (v < 0)
        put(t, "-");
    char out[24];
    int k = 0;
    while (n > 0)
        out[k++] = digits[--n];
    out[k] = '\0';
    put(t, out);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

struct phase {
    const struct jaula_final_plan *plan;
    int fifo;          /* the exec fifo open for writing until its byte is written, else -1 */
    int report;        /* the plan's report_fd while the parent listens on it, else -1 */
};

/* "<field>: <step> <detail>: <cause>" */
static void describe(struct text *t, const char *field, const char *step, const char *detail, int err)
{
    put(t, field);
    put(t, ": ");
    put(t, step);
    if (detail && *detail) {
        put(t, " ");
        put(t, detail);
    }
    put(t, ": ");
    const char *cause = strerrordesc_np(err); /* a constant string: no allocation, unlike strerror for unknown codes */
    put(t, cause ? cause : "unknown error");
}

/*
 * Reports a failure to whoever listens and exits: `start` through the exec fifo while it waits for the byte, else the
 * parent's sync socket (exec), else one line on stderr. 127 when something was not found, 126 otherwise, as a shell.
 */
static void __attribute__((noreturn)) fail(struct phase *ph, const char *field, const char *step, const char *detail, int err)
{
    const struct jaula_final_plan *plan = ph->plan;
    struct text t = {.len = 0};
    if (ph->fifo >= 0) {
        put(&t, "1");
        describe(&t, field, step, detail, err);
        write_all(ph->fifo, t.buf, t.len); /* one write under PIPE_BUF: `start` reads it whole */
    } else if (ph->report >= 0) {
        put(&t, "{\"field\":\"");
        put_json(&t, field);
        put(&t, "\",\"step\":\"");
        put_json(&t, step);
        put(&t, "\",\"path\":\"");
        put_json(&t, detail ? detail : "");
        put(&t, "\",\"errno\":");
        put_int(&t, err);
        put(&t, "}");
        uint32_t header[2] = {JAULA_FRAME_ERROR, (uint32_t)t.len};
        if (t.buf[t.len - 1] == '}' && write_all(ph->report, header, sizeof(header)) == 0)
            write_all(ph->report, t.buf, t.len);
    } else {
        put(&t, "jaula: container ");
        put(&t, plan->id);
        put(&t, ": ");
        describe(&t, field, step, detail, err);
        if (t.len + 1 >= sizeof(t.buf))
            t.len = sizeof(t.buf) - 2;
        t.buf[t.len++] = '\n';
        write_all(2, t.buf, t.len);
    }
    _exit(err == ENOENT ? 127 : 126);
}

/* ---- the steps ----------------------------------------------------------------------------------------------- */

static void set_signal_mask(struct phase *ph, int block)
{
    uint64_t set = block ? ~(uint64_t)0 : 0;
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, sizeof(set)) < 0)
        fail(ph, "process", "rt_sigprocmask", "", errno);
}

static void open_fifo(struct phase *ph)
{
    const struct jaula_final_plan *plan = ph->plan;
    if (plan->fifo_fd < 0)
        return;
    if (plan->flags & JAULA_FINAL_FIFO_OPEN) {
        ph->fifo = plan->fifo_fd;
        return;
    }
    /* The state dir is out of reach after pivot_root; the inherited O_PATH fd is reopened for writing, through the
     * fd directory opened before pivot_root when there is one (a rootfs need not mount /proc). This open blocks
     * until `start` opens the fifo for reading. */
    struct text path = {.len = 0};
    if (plan->fd_dir < 0)
        put(&path, "/proc/self/fd/");
    put_int(&path, plan->fifo_fd);
    int fd;
    do
        fd = openat(plan->fd_dir < 0 ? AT_FDCWD : plan->fd_dir, path.buf, O_WRONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        fail(ph, "exec fifo", "open", path.buf, errno);
    ph->fifo = fd;
}

static void release_start(struct phase *ph)
{
    if (ph->fifo < 0)
        return;
    int fd = ph->fifo;
    ph->fifo = -1;
    if (write_all(fd, "0", 1) < 0)
        fail(ph, "exec fifo", "write", "", errno);
    close(fd);
}

/* Per-thread, raw: glibc's wrappers would signal the runtime's other threads (tgkill, futex) from a filtered thread.
 * execve leaves only this thread, so only its credentials reach the process. */
static void switch_user(struct phase *ph)
{
    const struct jaula_final_plan *plan = ph->plan;
    if ((plan->flags & JAULA_FINAL_SETGROUPS) && syscall(SYS_setgroups, (long)plan->n_groups, plan->groups) < 0)
        fail(ph, "process.user.additionalGids", "setgroups", "", errno);
    if (syscall(SYS_setresgid, plan->gid, plan->gid, plan->gid) < 0)
        fail(ph, "process.user.gid", "setresgid", "", errno);
    if (syscall(SYS_setresuid, plan->uid, plan->uid, plan->uid) < 0)
        fail(ph, "process.user.uid", "setresuid", "", errno);
}

static void set_capabilities(struct phase *ph)
{
    const struct jaula_final_plan *plan = ph->plan;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {
        {(uint32_t)plan->effective, (uint32_t)plan->permitted, (uint32_t)plan->inheritable},
        {(uint32_t)(plan->effective >> 32), (uint32_t)(plan->permitted >> 32), (uint32_t)(plan->inheritable >> 32)},
    };
    if (syscall(SYS_capset, &header, data) < 0)
        fail(ph, "process.capabilities", "capset", "", errno);
    if (syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && !(errno == EINVAL && plan->ambient == 0))
        fail(ph, "process.capabilities.ambient", "prctl", "PR_CAP_AMBIENT_CLEAR_ALL", errno);
    for (int cap = 0; cap < 64; cap++) {
        if ((plan->ambient >> cap & 1) && syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            fail(ph, "process.capabilities.ambient", "prctl", "PR_CAP_AMBIENT_RAISE", errno);
    }
}

/* Returns what seccomp(2) returned: the listener fd with SECCOMP_FILTER_FLAG_NEW_LISTENER (close-on-exec), else 0. */
static long load_filter(struct phase *ph)
{
    const struct jaula_final_plan *plan = ph->plan;
    if (plan->bpf_len == 0)
        return 0;
    struct sock_fprog prog = {
        .len = (unsigned short)(plan->bpf_len / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)(uintptr_t)plan->bpf,
    };
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, plan->seccomp_flags, &prog);
    if (rc < 0)
        fail(ph, "linux.seccomp", "seccomp", "SECCOMP_SET_MODE_FILTER", errno);
    return rc;
}

/* One frame, header and payload in one write(2). */
static void send_frame(struct phase *ph, uint32_t type, const void *payload, uint32_t len)
{
    uint8_t frame[16];
    uint32_t header[2] = {type, len};
    if (len > sizeof(frame) - sizeof(header))
        fail(ph, "process", "sync", "frame too large", EINVAL);
    memcpy(frame, header, sizeof(header));
    if (len)
        memcpy(frame + sizeof(header), payload, len);
    if (write_all(ph->report, frame, sizeof(header) + len) < 0)
        fail(ph, "process", "sync", "write", errno);
}

/* Reads the parent's HAND_OVER (an empty frame). End of file: the parent died before it could; nothing would account
 * for this process, so it exits quietly, as the managed init does. */
static void await_hand_over(struct phase *ph)
{
    uint32_t header[2];
    uint8_t *p = (uint8_t *)header;
    size_t got = 0;
    while (got < sizeof(header)) {
        ssize_t n = read(ph->report, p + got, sizeof(header) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail(ph, "process", "sync", "read", errno);
        if (n == 0)
            _exit(1);
        got += (size_t)n;
    }
    if (header[0] != JAULA_FRAME_HAND_OVER || header[1] != 0)
        fail(ph, "process", "sync", "expected the hand-over", EPROTO);
}

/* JAULA_FINAL_FIFO_PIPE: the exec fifo's fd number, open for writing, from the hooks thread once the hooks succeeded. */
static void take_fifo_from_pipe(struct phase *ph)
{
    uint32_t number;
    uint8_t *p = (uint8_t *)&number;
    size_t got = 0;
    while (got < sizeof(number)) {
        ssize_t n = read(ph->plan->fifo_fd, p + got, sizeof(number) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail(ph, "hooks.startContainer", "read", "the hooks thread's pipe", errno);
        if (n == 0)
            _exit(1); /* a hook failed, and the hooks thread told `start` why */
        got += (size_t)n;
    }
    if (number > 0x7fffffffU)
        fail(ph, "hooks.startContainer", "read", "the hooks thread's pipe", EBADF);
    ph->fifo = (int)number;
}

/*
 * A filter that notifies an agent, loaded while the parent listens (see JAULA_FINAL_EARLY_LISTENER): what must come
 * before the filter, the filter, the listener's fd number to the parent (which copies it with pidfd_getfd: no
 * SCM_RIGHTS here, so no sendmsg after the filter; the fd is close-on-exec and stays open until execve), READY for
 * `create`, the parent's HAND_OVER, then for `create` the exec fifo, all under the filter. Signals stay blocked until
 * the last moment: a runtime handler must not run on this thread under the filter.
 */
static void __attribute__((noreturn)) run_early_listener(struct phase *ph, int nnp)
{
    const struct jaula_final_plan *plan = ph->plan;
    if ((plan->flags & JAULA_FINAL_PERSONALITY) && syscall(SYS_personality, (unsigned long)plan->personality) < 0)
        fail(ph, "linux.personality", "personality", "", errno);
    if (syscall(SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        fail(ph, "process.user", "prctl", "PR_SET_KEEPCAPS", errno);
    if (nnp) {
        switch_user(ph);
        set_capabilities(ph);
        if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            fail(ph, "process.noNewPrivileges", "prctl", "PR_SET_NO_NEW_PRIVS", errno);
    }
    long listener = load_filter(ph);
    /* ---- under the filter ---- */
    uint32_t number = (uint32_t)listener;
    send_frame(ph, JAULA_FRAME_SECCOMP_LISTENER, &number, sizeof(number));
    if (plan->flags & JAULA_FINAL_READY) {
        send_frame(ph, JAULA_FRAME_READY, NULL, 0);
        await_hand_over(ph);
        ph->report = -1; /* create has exited: from here failures go to `start` (the fifo) or to stderr */
        if (plan->flags & JAULA_FINAL_FIFO_PIPE)
            take_fifo_from_pipe(ph);
        else
            open_fifo(ph);
        int fd = ph->fifo;
        ph->fifo = -1;
        if (write_all(fd, "0", 1) < 0) /* close-on-exec: execve closes it, and `start` reads one byte */
            fail(ph, "exec fifo", "write", "", errno);
    } else {
        await_hand_over(ph); /* exec: the parent listens on until execve closes the socket */
    }
    set_signal_mask(ph, 0);
    if (!nnp) {
        switch_user(ph);
        set_capabilities(ph);
    }
    execve(plan->path, (char *const *)plan->argv, (char *const *)plan->envp);
    fail(ph, "process.args[0]", "execve", plan->path, errno);
}

/*
 * The order, as runc's: before the fifo byte everything that may fail and needs no filter; without no_new_privs the
 * kernel wants CAP_SYS_ADMIN for the filter, so it goes on before the user switch drops it, and the credential calls
 * run under it; with no_new_privs the filter is the last call before execve.
 */
int jaula_final_run(const uint8_t *buffer, uint32_t len, const char **scratch, uint32_t slots)
{
    struct jaula_final_plan plan;
    int rc = jaula_final_decode(buffer, len, scratch, slots, &plan);
    if (rc < 0)
        return rc;
    jaula_final_exec(&plan);
}

void jaula_final_exec(const struct jaula_final_plan *p)
{
    struct jaula_final_plan plan = *p;
    struct phase ph = {.plan = &plan, .fifo = -1, .report = plan.report_fd};
    int nnp = (plan.flags & JAULA_FINAL_NO_NEW_PRIVS) != 0;

    /* No runtime signal handler may run on this thread from here: process-directed signals go to other threads. */
    set_signal_mask(&ph, 1);
    if (syscall(SYS_close_range, plan.keep_fds_from, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        fail(&ph, "process", "close_range", "CLOSE_RANGE_CLOEXEC", errno);
    if (plan.flags & JAULA_FINAL_EARLY_LISTENER)
        run_early_listener(&ph, nnp);
    open_fifo(&ph);
    if ((plan.flags & JAULA_FINAL_PERSONALITY) && syscall(SYS_personality, (unsigned long)plan.personality) < 0)
        fail(&ph, "linux.personality", "personality", "", errno);
    if (syscall(SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        fail(&ph, "process.user", "prctl", "PR_SET_KEEPCAPS", errno);
    if (nnp) {
        switch_user(&ph);
        set_capabilities(&ph);
        if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            fail(&ph, "process.noNewPrivileges", "prctl", "PR_SET_NO_NEW_PRIVS", errno);
    }
    release_start(&ph);
    set_signal_mask(&ph, 0); /* the process starts with no signal blocked */
    load_filter(&ph);
    if (!nnp) {
        switch_user(&ph);
        set_capabilities(&ph);
    }
    execve(plan.path, (char *const *)plan.argv, (char *const *)plan.envp);
    fail(&ph, "process.args[0]", "execve", plan.path, errno);
}
