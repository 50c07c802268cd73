/*
 * See c_init.h. The constructor runs before the .NET runtime starts (glibc calls it with argc, argv, envp); for any
 * other invocation of jaula it returns at once. Rules as the stage's: no malloc (the program and the pointer scratch
 * are mmap'ed), no stdio, every length checked, every failure before READY reported to the parent as an ERROR frame:
 *   {"step":"c-init","path":"<kind>","errno":E[,"op":N,"rootfsStep":S][,"uid":U]}
 * kinds: sync, decode, fd-dir, rootfs, rootfs-pause, pdeathsig, args0-missing, args0-directory, args0-denied,
 * args0-not-in-path, and for exec: exec-fd (no fd came with the program), setns, chroot (errno and "op": 0 fchdir,
 * 1 chroot, 2 chdir), cloexec. The parent words each as the managed init does. A rootfs operation whose failure only warns
 * (the session keyring) is a WARNING frame of the same form, kind "warning". A failing createContainer hook is
 * {"step":"hook","message":...} as the managed init's report (the message worded in c_init_hooks.c); a failing
 * startContainer hook goes to `start` on the exec fifo, the parent being gone by then.
 */
#include "c_init.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "rootfs_plan.h"

#define PATH_ROOM 8192

static int s_sync = -1;

/* ---- text ------------------------------------------------------------------------------------------------------ */

struct text {
    char buf[8192];
    size_t len;
};

static void put(struct text *t, const char *s)
{
    while (s && *s && t->len + 1 < sizeof(t->buf))
        t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

static void put_uint(struct text *t, uint64_t u)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < (int)sizeof(digits));
    char out[25];
    int k = 0;
    while (n > 0)
        out[k++] = digits[--n];
    out[k] = '\0';
    put(t, out);
}

static void put_int(struct text *t, long v)
{
    if (v < 0) {
        put(t, "-");
        put_uint(t, (uint64_t)(-(v + 1)) + 1);
    } else {
        put_uint(t, (uint64_t)v);
    }
}

/* ---- the sync socket ------------------------------------------------------------------------------------------- */

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

/* 1 when len bytes were read, 0 at end of file before the first byte, -1 otherwise. */
static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            if (got == 0)
                return 0;
            errno = EPROTO;
            return -1;
        }
        got += (size_t)n;
    }
    return 1;
}

static void send_frame(uint32_t type, const void *payload, uint32_t len)
{
    uint32_t header[2] = {type, len};
    if (write_all(s_sync, header, sizeof(header)) == 0 && len)
        write_all(s_sync, payload, len);
}

struct failure {
    const char *kind;
    int err;
    long op, rootfs_step, uid; /* -1: absent */
};

static void encode(struct text *t, struct failure f)
{
    put(t, "{\"step\":\"c-init\",\"path\":\"");
    put(t, f.kind);
    put(t, "\",\"errno\":");
    put_int(t, f.err);
    if (f.op >= 0) {
        put(t, ",\"op\":");
        put_int(t, f.op);
        put(t, ",\"rootfsStep\":");
        put_int(t, f.rootfs_step);
    }
    if (f.uid >= 0) {
        put(t, ",\"uid\":");
        put_int(t, f.uid);
    }
    put(t, "}");
}

static void __attribute__((noreturn)) report(struct failure f)
{
    struct text t = {.len = 0};
    encode(&t, f);
    send_frame(JAULA_FRAME_ERROR, t.buf, (uint32_t)t.len);
    _exit(1);
}

static void __attribute__((noreturn)) fail(const char *kind, int err)
{
    report((struct failure){.kind = kind, .err = err, .op = -1, .rootfs_step = -1, .uid = -1});
}

/* ---- signals ---------------------------------------------------------------------------------------------------- */

/*
 * The C init is pid 1 of its pid namespace (with one of its own), and the kernel drops a signal sent to such a
 * process from outside when it has no handler for it (SIGKILL and SIGSTOP aside): `jaula kill <id> TERM` of a created
 * container would leave it created. So while the init builds and waits (for HAND_OVER, on the exec fifo) the signals
 * whose default is to end a process end it: the handler puts the default back and sends the signal to itself (the
 * process dies of it where the kernel lets it, as it would have without a handler), else exits with 128 + the signal.
 * Only signals at SIG_DFL get the handler (an ignored one stays ignored), and before the final phase they are put back
 * to SIG_DFL with every signal blocked, so the process is exec'd with the dispositions and the mask it had before.
 */
static uint64_t s_caught; /* bit sig - 1: the signals this init caught */

static int ends_process(int sig)
{
    switch (sig) {
    case SIGHUP:
    case SIGINT:
    case SIGQUIT:
    case SIGABRT:
    case SIGUSR1:
    case SIGUSR2:
    case SIGPIPE:
    case SIGALRM:
    case SIGTERM:
    case SIGSTKFLT:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGVTALRM:
    case SIGPROF:
    case SIGIO:
    case SIGPWR:
        return 1;
    default:
        return sig >= SIGRTMIN && sig <= SIGRTMAX; /* glibc's own real-time signals (32, 33) it refuses to set */
    }
}

static void on_signal(int sig)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    kill(getpid(), sig); /* dies here, unless this is the init of its pid namespace: the kernel drops it */
    _exit(128 + sig);
}

static void catch_signals(void)
{
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_handler = on_signal;
    sigfillset(&act.sa_mask);
    for (int sig = 1; sig < NSIG && sig <= 64; sig++) {
        struct sigaction old;
        if (!ends_process(sig) || sigaction(sig, NULL, &old) < 0 || old.sa_handler != SIG_DFL)
            continue;
        if (sigaction(sig, &act, NULL) == 0)
            s_caught |= 1ULL << (sig - 1);
    }
}

/* Every signal blocked (the final phase unblocks them before execve), the caught ones back to SIG_DFL. */
static void release_signals(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig <= 64; sig++) {
        if (s_caught & (1ULL << (sig - 1)))
            sigaction(sig, &dfl, NULL);
    }
    s_caught = 0;
}

/* ---- the steps ----------------------------------------------------------------------------------------------- */

/* The frame header with the fd sent on it (SCM_RIGHTS: exec's mount namespace or root), or -1 in *fd; as read_all. */
static int read_header(uint32_t header[2], int *fd)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    *fd = -1;
    struct iovec iov = {.iov_base = header, .iov_len = 2 * sizeof(uint32_t)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf)};
    ssize_t n;
    do
        n = recvmsg(s_sync, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)) && *fd < 0)
            memcpy(fd, CMSG_DATA(c), sizeof(int));
    }
    if (msg.msg_flags & MSG_CTRUNC) {
        errno = EPROTO;
        return -1;
    }
    errno = 0;
    if ((size_t)n < iov.iov_len && read_all(s_sync, (char *)header + n, iov.iov_len - (size_t)n) != 1) {
        errno = errno ? errno : EPROTO; /* a short header: end of file mid-frame */
        return -1;
    }
    return 1;
}

/* One INIT_PROGRAM frame into fresh anonymous memory (8-aligned); its length in *len, the fd sent with it in *fd. */
static const uint8_t *receive_program(uint32_t *len, int *fd)
{
    uint32_t header[2];
    int rc = read_header(header, fd);
    if (rc == 0)
        _exit(1); /* create died before it sent the program: nobody to report to */
    if (rc < 0)
        fail("sync", errno); /* a broken frame while create waits: say so */
    if (header[0] != JAULA_FRAME_INIT_PROGRAM)
        fail("sync", EPROTO);
    if (header[1] > JAULA_INIT_MAX_PROGRAM || header[1] < JAULA_INIT_FIXED)
        fail("decode", E2BIG);
    void *buf = mmap(NULL, header[1], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        fail("sync", errno);
    if (read_all(s_sync, buf, header[1]) != 1)
        fail("sync", errno ? errno : EPROTO);
    *len = header[1];
    return buf;
}

/* A tolerated failure the plan flags WARN (the session keyring): the parent words it as the managed init does. */
static void warn_if(const struct jaula_rootfs_status *st)
{
    if (st->warn_op < 0)
        return;
    struct text t = {.len = 0};
    encode(&t, (struct failure){.kind = "warning", .err = st->warn_err, .op = st->warn_op, .rootfs_step = st->warn_step, .uid = -1});
    send_frame(JAULA_FRAME_WARNING, t.buf, (uint32_t)t.len);
}

/* ---- hooks ---------------------------------------------------------------------------------------------------- */

static const char **s_hook_scratch;
static uint32_t s_hook_slots;
static struct jaula_hook_text s_hook_msg;

/* The bytes as valid UTF-8 (an invalid byte becomes U+FFFD, as Encoding.UTF8.GetString makes it); JSON-escaped with
 * json. Stops before room runs out. */
static size_t utf8_length(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t want = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (want == 0 || want > n)
        return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (want > 1 && (p[1] < lo || p[1] > hi))
        return 0;
    for (size_t k = 2; k < want; k++) {
        if (p[k] < 0x80 || p[k] > 0xBF)
            return 0;
    }
    return want;
}

static size_t put_clean(char *out, size_t room, const char *in, size_t n, int json)
{
    static const char hex[] = "0123456789abcdef";
    size_t len = 0;
    const unsigned char *p = (const unsigned char *)in;
    for (size_t i = 0; i < n;) {
        char esc[8];
        size_t m = 0, take = utf8_length(p + i, n - i);
        const char *src = esc;
        if (take == 0) {
            memcpy(esc, "\xEF\xBF\xBD", 3); /* U+FFFD */
            m = 3;
            take = 1;
        } else if (json && (p[i] == '"' || p[i] == '\\')) {
            esc[0] = '\\';
            esc[1] = (char)p[i];
            m = 2;
        } else if (json && p[i] < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[p[i] >> 4];
            esc[5] = hex[p[i] & 15];
            m = 6;
        } else {
            src = in + i;
            m = take;
        }
        if (len + m + 1 > room)
            break;
        memcpy(out + len, src, m);
        len += m;
        i += take;
    }
    out[len] = '\0';
    return len;
}

/* A createContainer hook failed: {"step":"hook","message":...}, read by the parent as the managed init's report
 * (a HookFailedException: the container goes, its poststop hooks run). */
static void __attribute__((noreturn)) report_hook(const struct jaula_hook_text *msg)
{
    static char json[sizeof(msg->buf) * 6 + 64];
    static const char head[] = "{\"step\":\"hook\",\"message\":\"";
    size_t len = sizeof(head) - 1;
    memcpy(json, head, len);
    len += put_clean(json + len, sizeof(json) - len - 3, msg->buf, msg->len, 1);
    memcpy(json + len, "\"}", 2);
    len += 2;
    send_frame(JAULA_FRAME_ERROR, json, (uint32_t)len);
    _exit(1);
}

/* Hook i of the program, its argv and envp in the hooks' scratch. */
static void hook_at(const struct jaula_init_program *prog, uint32_t i, struct jaula_init_hook *h)
{
    if (jaula_init_hook(prog, i, s_hook_scratch, s_hook_slots, h) < 0)
        fail("decode", EINVAL); /* decoded as a whole before: cannot happen */
}

/* One frame with the fd that came with its header (SCM_RIGHTS), or -1; the payload (at most room bytes) into buf. */
static int receive_frame(uint32_t *type, char *buf, uint32_t room, uint32_t *len, int *fd)
{
    uint32_t header[2];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = header, .iov_len = sizeof(header)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf)};
    *fd = -1;
    ssize_t n;
    do
        n = recvmsg(s_sync, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        _exit(1); /* create died */
    if (n < 0)
        fail("sync", errno);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)) && *fd < 0)
            memcpy(fd, CMSG_DATA(c), sizeof(int));
    }
    if ((mh.msg_flags & MSG_CTRUNC) || ((size_t)n < sizeof(header) && read_all(s_sync, (char *)header + n, sizeof(header) - (size_t)n) != 1))
        fail("sync", EPROTO);
    if (header[1] > room || (header[1] && read_all(s_sync, buf, header[1]) != 1))
        fail("sync", EPROTO);
    *type = header[0];
    *len = header[1];
    return 0;
}

/* The hooks' sync point, as the managed init's (InitHooks.BeforePivot): HOOKS_DUE; the parent runs prestart and
 * createRuntime (a failure makes it kill us; end of file means it died), then sends each createContainer hook's
 * executable, opened in the runtime namespace (HOOK_EXECUTABLE, its index as text), and HOOKS_DONE. Then the
 * createContainer hooks run here, in the container's namespaces, before pivot_root. */
static void hooks_due(const struct jaula_init_program *prog)
{
    static int executables[JAULA_INIT_MAX_HOOKS];
    send_frame(JAULA_FRAME_HOOKS_DUE, NULL, 0);
    uint32_t got = 0;
    for (;;) {
        uint32_t type, len;
        char payload[16];
        int fd;
        receive_frame(&type, payload, sizeof(payload) - 1, &len, &fd);
        payload[len] = '\0';
        if (type == JAULA_FRAME_HOOKS_DONE && len == 0 && fd < 0 && got == prog->n_create)
            break;
        struct text want = {.len = 0};
        put_uint(&want, got);
        if (type != JAULA_FRAME_HOOK_EXECUTABLE || fd < 0 || got >= prog->n_create || strcmp(payload, want.buf) != 0)
            fail("sync", EPROTO);
        executables[got++] = fd;
    }
    for (uint32_t i = 0; i < prog->n_create; i++) {
        struct jaula_init_hook h;
        hook_at(prog, i, &h);
        if (jaula_run_hook(&h, executables[i], prog->create_state, &s_hook_msg) < 0)
            report_hook(&s_hook_msg);
        close(executables[i]);
    }
}

/* The exec fifo opened for writing, which blocks until `start` opens it for reading: here, not in the final phase,
 * which waits with every signal blocked, so that a signal ends the waiting init (catch_signals). A failure is worded
 * as the final phase's (one line on stderr: the parent is gone). */
static int open_exec_fifo(const struct jaula_final_plan *final)
{
    struct text name = {.len = 0};
    put_int(&name, final->fifo_fd);
    int fifo;
    do
        fifo = openat(final->fd_dir, name.buf, O_WRONLY | O_CLOEXEC);
    while (fifo < 0 && errno == EINTR);
    if (fifo < 0) {
        int err = errno;
        struct text line = {.len = 0};
        put(&line, "jaula: container ");
        put(&line, final->id);
        put(&line, ": exec fifo: open ");
        put(&line, name.buf);
        put(&line, ": ");
        const char *cause = strerrordesc_np(err);
        put(&line, cause ? cause : "unknown error");
        put(&line, "\n");
        write_all(2, line.buf, line.len);
        _exit(err == ENOENT ? 127 : 126);
    }
    return fifo;
}

/* The startContainer hooks, once `start` has opened the exec fifo (InitHooks.BeforeStart): they run in the built
 * container as its root, before the final phase; a failure goes to `start` as ExecFifo.Refuse words it ("1" and the
 * message, cut at 1000 bytes). */
static void start_hooks(const struct jaula_init_program *prog, int fifo)
{
    for (uint32_t i = prog->n_create; i < prog->n_hooks; i++) {
        struct jaula_init_hook h;
        hook_at(prog, i, &h);
        if (jaula_run_hook(&h, -1, prog->start_state, &s_hook_msg) == 0)
            continue;
        static char refusal[1 + 1000 * 3 + 4];
        refusal[0] = '1';
        size_t cut = s_hook_msg.len > 1000 ? 1000 : s_hook_msg.len;
        size_t len = 1 + put_clean(refusal + 1, sizeof(refusal) - 4, s_hook_msg.buf, cut, 0);
        if (cut < s_hook_msg.len) {
            memcpy(refusal + len, "...", 3);
            len += 3;
        }
        write_all(fifo, refusal, len); /* one write under PIPE_BUF: `start` reads it whole */
        _exit(1);
    }
}

/* ---- timing (JAULA_INIT_TIMING, for --debug): each group's nanoseconds, the order of CInitTiming.Groups ---------- */

enum timing_group { T_PROGRAM, T_MOUNTS, T_DEVICES, T_PIVOT, T_MASKS, T_PROCESS, T_HOOKS, T_ARGS0, T_GROUPS };

static uint64_t s_group_ns[T_GROUPS];
static uint64_t s_op_ns[JAULA_OP_LAST + 1];

static enum timing_group group_of(uint32_t kind)
{
    switch (kind) {
    case JAULA_OP_MKNOD:
    case JAULA_OP_SYMLINK:
        return T_DEVICES;
    case JAULA_OP_PIVOT:
    case JAULA_OP_MOVE_CHROOT:
    case JAULA_OP_CHROOT:
        return T_PIVOT;
    case JAULA_OP_OPEN_NULL:
    case JAULA_OP_MASK:
    case JAULA_OP_READONLY:
        return T_MASKS;
    case JAULA_OP_MOUNT_HOST:
    case JAULA_OP_ROOT:
    case JAULA_OP_MOUNT:
    case JAULA_OP_MOVE_MOUNT:
    case JAULA_OP_SETATTR:
    case JAULA_OP_MKDIR:
        return T_MOUNTS;
    default:
        return T_PROCESS;
    }
}

static void send_timing(void)
{
    for (uint32_t kind = 0; kind <= JAULA_OP_LAST; kind++)
        s_group_ns[group_of(kind)] += s_op_ns[kind];
    uint8_t payload[T_GROUPS * 8];
    for (int g = 0; g < T_GROUPS; g++)
        for (int b = 0; b < 8; b++)
            payload[g * 8 + b] = (uint8_t)(s_group_ns[g] >> (8 * b)); /* little-endian, as CInitTiming reads it */
    send_frame(JAULA_FRAME_TIMING, payload, sizeof(payload));
}

/* The rootfs plan, the process's settings included, to its end. Of its pauses BEFORE_PIVOT has the hooks' sync
 * point (with JAULA_INIT_HOOKS_DUE), and PROCESS stops dying with create, as the managed init does there
 * (InitProgram.StopDyingWithParent); the others have no work in a C init's container (no console, copy-up or
 * process attributes). */
static void build_rootfs(const struct jaula_init_program *prog)
{
    struct jaula_rootfs_status st = {.next_op = 0, .root_fd = -1, .null_fd = -1, .failed_op = -1, .fd_a = -1, .fd_b = -1, .warn_op = -1};
    for (;;) {
        int rc = jaula_rootfs_run(prog->rootfs, prog->rootfs_len, &st);
        warn_if(&st);
        if (rc == 0)
            return;
        if (rc < 0) {
            if (st.failed_op < 0)
                fail("decode", rc == -1 ? EINVAL : -rc);
            report((struct failure){.kind = "rootfs", .err = st.err, .op = st.failed_op, .rootfs_step = st.step, .uid = -1});
        }
        if (st.pause == JAULA_PAUSE_COPY_UP)
            fail("rootfs-pause", EPROTO); /* refused by jaula_init_decode: cannot happen */
        if (st.pause == JAULA_PAUSE_BEFORE_PIVOT && (prog->flags & JAULA_INIT_HOOKS_DUE)) {
            uint64_t started = jaula_now_ns();
            hooks_due(prog);
            s_group_ns[T_HOOKS] += jaula_now_ns() - started;
        }
        if (st.pause == JAULA_PAUSE_PROCESS && prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
            fail("pdeathsig", errno);
    }
}

/* dir + "/" + name as Path.Combine: no separator added after a trailing '/'; 0, or -1 when it does not fit. */
static int join(char *out, size_t room, const char *dir, size_t dir_len, const char *name)
{
    size_t name_len = strlen(name);
    int slash = dir_len > 0 && dir[dir_len - 1] != '/';
    if (dir_len + (size_t)slash + name_len + 1 > room)
        return -1;
    memcpy(out, dir, dir_len);
    if (slash)
        out[dir_len] = '/';
    memcpy(out + dir_len + slash, name, name_len + 1);
    return 0;
}

/* process.args[0] as ExecutableResolver (execvp's rules), in the built root as root: into path. */
static void resolve(const struct jaula_init_program *prog, char *path)
{
    struct stat st;
    const char *name = prog->name;
    if (strchr(name, '/')) {
        if (name[0] == '/') {
            if (join(path, PATH_ROOM, "", 0, name) < 0)
                fail("args0-missing", ENAMETOOLONG);
        } else if (join(path, PATH_ROOM, prog->cwd, strlen(prog->cwd), name) < 0) {
            fail("args0-missing", ENAMETOOLONG);
        }
        if (stat(path, &st) < 0)
            fail("args0-missing", errno);
        if (S_ISDIR(st.st_mode))
            fail("args0-directory", EISDIR);
        if (access(path, X_OK) < 0)
            report((struct failure){.kind = "args0-denied", .err = errno, .op = -1, .rootfs_step = -1, .uid = geteuid()});
        return;
    }
    const char *dir = prog->search_path;
    for (;;) {
        const char *end = strchr(dir, ':');
        size_t n = end ? (size_t)(end - dir) : strlen(dir);
        int ok = n == 0 ? join(path, PATH_ROOM, ".", 1, name) : join(path, PATH_ROOM, dir, n, name);
        if (ok == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            return;
        if (!end)
            break;
        dir = end + 1;
    }
    fail("args0-not-in-path", ENOENT);
}

/* Parses an unsigned decimal as uint.TryParse does for passwd's uid field: digits, maybe spaces around. */
static int parse_uid(const char *s, const char *end, uint32_t *out)
{
    while (s < end && *s == ' ')
        s++;
    while (end > s && end[-1] == ' ')
        end--;
    if (s == end)
        return -1;
    uint64_t v = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > 0xffffffffULL)
            return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* One passwd line: 7 fields or more, the uid in the third, a non-empty home in the sixth. */
static int home_of_line(const char *line, size_t len, uint32_t uid, const char **home, size_t *home_len)
{
    const char *field[8];
    size_t field_len[8];
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= len && count < 8; i++) {
        if (i == len || line[i] == ':') {
            field[count] = line + start;
            field_len[count] = i - start;
            count++;
            start = i + 1;
        }
    }
    uint32_t id;
    if (count < 7 || parse_uid(field[2], field[2] + field_len[2], &id) < 0 || id != uid || field_len[5] == 0)
        return 0;
    *home = field[5];
    *home_len = field_len[5];
    return 1;
}

/* The container's /etc/passwd for reading, or -1: resolved beneath its root (no magic link), opened without blocking
 * (a FIFO there must not hang the init) and only a regular file (a device could be read forever). */
static int open_passwd(void)
{
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    struct open_how how = {.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    int fd, attempts = 0;
    do
        fd = (int)syscall(SYS_openat2, root, "etc/passwd", &how, sizeof(how));
    while (fd < 0 && (errno == EINTR || (errno == EAGAIN && ++attempts < 64)));
    close(root);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* "HOME=<home>" as PasswdHome: the uid's home in the container's /etc/passwd, else "/" (also when it is no regular
 * file). Lines over 8 KiB are skipped. */
static void passwd_home(uint32_t uid, char *out, size_t room)
{
    static char buf[8192];
    const char *home = "/";
    size_t home_len = 1;
    int fd = open_passwd();
    size_t have = 0;
    int skipping = 0, found = 0;
    while (fd >= 0 && !found) {
        ssize_t n = read(fd, buf + have, sizeof(buf) - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (have > 0 && !skipping && home_of_line(buf, have, uid, &home, &home_len))
                found = 1;
            break;
        }
        have += (size_t)n;
        size_t start = 0;
        for (size_t i = 0; i < have && !found; i++) {
            if (buf[i] != '\n' && buf[i] != '\r')
                continue;
            if (!skipping && home_of_line(buf + start, i - start, uid, &home, &home_len))
                found = 1;
            skipping = 0;
            start = i + 1;
        }
        if (found)
            break;
        if (start == 0 && have == sizeof(buf)) {
            skipping = 1; /* a line longer than the buffer */
            have = 0;
        } else {
            memmove(buf, buf + start, have - start);
            have -= start;
        }
    }
    if (home_len + 6 > room) {
        home = "/";
        home_len = 1;
    }
    memcpy(out, "HOME=", 5);
    memmove(out + 5, home, home_len);
    out[5 + home_len] = '\0';
    if (fd >= 0)
        close(fd);
}

static void await_hand_over(void)
{
    uint32_t header[2];
    int rc = read_all(s_sync, header, sizeof(header));
    if (rc == 0)
        _exit(1); /* create died before it recorded us: nothing would account for this process */
    if (rc < 0 || header[0] != JAULA_FRAME_HAND_OVER || header[1] != 0)
        fail("sync", rc < 0 ? errno : EPROTO);
}

/* exec: into the container's mount namespace (setns; this process is single-threaded), or its root (chroot). */
static void enter_container(const struct jaula_init_program *prog, int fd)
{
    if (fd < 0)
        fail("exec-fd", EBADF);
    if (prog->flags & JAULA_INIT_EXEC_CHROOT) {
        if (fchdir(fd) < 0)
            report((struct failure){.kind = "chroot", .err = errno, .op = 0, .rootfs_step = 0, .uid = -1});
        if (chroot(".") < 0)
            report((struct failure){.kind = "chroot", .err = errno, .op = 1, .rootfs_step = 0, .uid = -1});
        if (chdir("/") < 0)
            report((struct failure){.kind = "chroot", .err = errno, .op = 2, .rootfs_step = 0, .uid = -1});
    } else if (setns(fd, CLONE_NEWNS) < 0) {
        fail("setns", errno);
    }
    close(fd);
}

/* HOME for the final phase's environment: envp is the last run in scratch (argc + envc + 2 used of at least
 * len / 4 + 4), so there is room for one more. */
static void add_home(const struct jaula_init_program *prog, struct jaula_final_plan *final)
{
    static char home[PATH_ROOM];
    passwd_home(prog->home_uid, home, sizeof(home));
    const char **envp = (const char **)final->envp;
    envp[final->envc] = home;
    envp[final->envc + 1] = NULL;
    final->envc++;
}

static void __attribute__((noreturn)) run(int sync_fd)
{
    s_sync = sync_fd;
    uint32_t len;
    int fd = -1;
    const uint8_t *buf = receive_program(&len, &fd);
    uint64_t started = jaula_now_ns(); /* the program's arrival: before it, the parent's phases */
    uint32_t slots = len / 4 + 4;
    const char **scratch = mmap(NULL, (size_t)slots * sizeof(char *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED)
        fail("sync", errno);
    struct jaula_init_program prog;
    struct jaula_final_plan final;
    int rc = jaula_init_decode(buf, len, s_sync, scratch, slots, &prog, &final);
    if (rc < 0)
        fail("decode", -rc);
    static char path[PATH_ROOM];

    if (prog.flags & JAULA_INIT_EXEC) {
        /* ExecProgram's order: the sync socket close-on-exec (its end of file tells `exec` the process runs), into the
         * container, stop dying with `exec` (the process outlives it, as under runc), the process's settings, args[0]
         * and HOME, the final phase reporting on the sync socket. */
        if (fcntl(s_sync, F_SETFD, FD_CLOEXEC) < 0)
            fail("cloexec", errno);
        enter_container(&prog, fd);
        if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
            fail("pdeathsig", errno);
        build_rootfs(&prog);
        resolve(&prog, path);
        if (prog.flags & JAULA_INIT_ADD_HOME)
            add_home(&prog, &final);
        final.path = path;
        jaula_final_exec(&final);
    }
    if (fd >= 0)
        close(fd);
    catch_signals(); /* a signal ends the init from here until the final phase (see "signals") */

    int fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd_dir < 0)
        fail("fd-dir", errno);
    uint32_t first = jaula_init_hook_scratch(&final);
    s_hook_scratch = scratch + first;
    s_hook_slots = slots > first ? slots - first : 0;
    umask(0); /* device nodes and directories get exactly the modes asked for; the plan's last operation sets the process's */
    int timing = (prog.flags & JAULA_INIT_TIMING) != 0;
    if (timing) {
        s_group_ns[T_PROGRAM] = jaula_now_ns() - started;
        jaula_rootfs_op_ns = s_op_ns;
    }
    build_rootfs(&prog); /* ... and the session, keyring, rlimits, bounding set, the cwd (checked below the root), the umask */
    jaula_rootfs_op_ns = NULL;
    started = jaula_now_ns();
    resolve(&prog, path);
    if (prog.flags & JAULA_INIT_ADD_HOME)
        add_home(&prog, &final);
    final.path = path;
    final.fd_dir = fd_dir;
    s_group_ns[T_ARGS0] = jaula_now_ns() - started;

    if (timing)
        send_timing();
    send_frame(JAULA_FRAME_READY, NULL, 0);
    await_hand_over();
    close(s_sync);
    final.fifo_fd = open_exec_fifo(&final);
    final.flags |= JAULA_FINAL_FIFO_OPEN;
    if (prog.n_hooks > prog.n_create)
        start_hooks(&prog, final.fifo_fd);
    release_signals();
    jaula_final_exec(&final);
}

/* The linker keeps this object for it (JaulaStage.targets: --undefined=jaula_c_init_keep). */
int jaula_c_init_keep;

__attribute__((constructor)) static void jaula_c_init(int argc, char **argv, char **envp)
{
    int fd = jaula_c_init_marker(argc, argv, envp);
    if (fd >= 0)
        run(fd);
}
