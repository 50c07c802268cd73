/*
 * The C stage of jaula; see stage.h for why it exists. Rules for this file:
 *  - after clone, the child calls only raw system calls and the async-signal-safe functions below: no malloc, no
 *    stdio, no glibc credential wrappers (they signal the parent's threads, which do not exist in the child);
 *  - every failure in the child is reported to the parent as an ERROR frame, then the child exits.
 */
#include "stage.h"
#include "child_signals.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone_args must reach the cgroup field (CLONE_ARGS_SIZE_VER2, Linux 5.7). */
_Static_assert(offsetof(struct clone_args, cgroup) == 80 && sizeof(struct clone_args) >= 88, "clone_args without cgroup");

/* ---- small helpers, safe in the child -------------------------------------------------------------------------- */

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n == 0)
            return -1; /* the parent went away */
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Appends src to dst (capacity cap, always NUL-terminated). Returns the new length. */
static size_t append(char *dst, size_t len, size_t cap, const char *src)
{
    while (*src && len + 1 < cap)
        dst[len++] = *src++;
    dst[len] = '\0';
    return len;
}

static size_t append_int(char *dst, size_t len, size_t cap, long value)
{
    char digits[24];
    int n = 0;
    unsigned long v = value < 0 ? (unsigned long)(-value) : (unsigned long)value;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < (int)sizeof(digits));
    if (value < 0 && len + 1 < cap)
        dst[len++] = '-';
    while (n > 0 && len + 1 < cap)
        dst[len++] = digits[--n];
    dst[len] = '\0';
    return len;
}

/* Appends at most max bytes of src as the inside of a JSON string: quote and backslash escaped, control bytes as '?'. */
static size_t append_json(char *dst, size_t len, size_t cap, const char *src, size_t max)
{
    for (size_t i = 0; src[i] && i < max && len + 3 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '"' || c == '\\')
            dst[len++] = '\\';
        dst[len++] = c < 0x20 ? '?' : (char)c;
    }
    dst[len] = '\0';
    return len;
}

/* Sends {"step":step,"path":path,"errno":err} (step a constant; path escaped, cut at 1024 bytes) and exits. */
static void __attribute__((noreturn)) fail(int sync_fd, const char *step, const char *path, int err)
{
    char payload[2200];
    size_t len = 0;
    len = append(payload, len, sizeof(payload), "{\"step\":\"");
    len = append(payload, len, sizeof(payload), step);
    len = append(payload, len, sizeof(payload), "\",\"path\":\"");
    len = append_json(payload, len, sizeof(payload), path, 1024);
    len = append(payload, len, sizeof(payload), "\",\"errno\":");
    len = append_int(payload, len, sizeof(payload), err);
    len = append(payload, len, sizeof(payload), "}");

    uint32_t header[2] = {JAULA_FRAME_ERROR, (uint32_t)len};
    if (write_all(sync_fd, header, sizeof(header)) == 0)
        write_all(sync_fd, payload, len);
    _exit(1);
}

static const char *ns_name(int nstype)
{
    switch (nstype) {
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWNS: return "mount";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWNET: return "network";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWCGROUP: return "cgroup";
    case CLONE_NEWTIME: return "time";
    default: return "unknown";
    }
}

/* ---- the child ----------------------------------------------------------------------------------------------- */

/*
 * Dies with the parent until the hand-over (see stage.h). Arming after a credential change re-arms what it cleared.
 * getppid() cannot close the race (in a new pid namespace it is 0 whether the parent lives or not): the socket can,
 * once our copy of the parent's end is closed, as every later wait of ours before the hand-over is a read of it.
 */
static void die_with_parent(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}

/* See stage.h: the child moves itself into its v1 cgroups, before it joins or makes any namespace. */
static void join_cgroups(const struct jaula_spawn_request *req)
{
    for (int i = 0; i < req->n_cgroup_tasks; i++) {
        ssize_t n;
        do
            n = write(req->cgroup_tasks[i], "0", 1);
        while (n < 0 && errno == EINTR);
        if (n != 1)
            fail(req->sync_fd, "write", req->cgroup_task_paths ? req->cgroup_task_paths[i] : "cgroup tasks", n < 0 ? errno : EIO);
        close(req->cgroup_tasks[i]);
    }
    if (req->n_cgroup_tasks > 0) {
        uint32_t header[2] = {JAULA_FRAME_CGROUPS_ENTERED, 0};
        if (write_all(req->sync_fd, header, sizeof(header)) < 0)
            _exit(1); /* the parent is gone */
    }
}

/* The user namespace first: it owns the others, and joining it grants the capabilities needed to join them. */
static void join_namespaces(const struct jaula_spawn_request *req)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < req->n_joins; i++) {
            int nstype = req->joins[i].nstype;
            if (nstype == CLONE_NEWPID && !req->pid_join_in_child)
                continue; /* joined by the parent: it only affects children */
            if ((pass == 0) != (nstype == CLONE_NEWUSER))
                continue;
            if (setns(req->joins[i].fd, nstype) < 0)
                fail(req->sync_fd, "setns", ns_name(nstype), errno);
        }
    }
}

static void wait_for_go(int sync_fd)
{
    uint32_t header[2];
    if (read_all(sync_fd, header, sizeof(header)) < 0)
        _exit(1); /* the parent died or gave up: nothing to report to */
    if (header[0] != JAULA_FRAME_GO || header[1] != 0)
        fail(sync_fd, "sync", "expected GO", EPROTO);
}

/*
 * With a new IPC namespace unshared late (it comes with a new user namespace), it is made between the uid and the gid
 * switch, as runc orders it: its mqueue filesystem belongs to the container's root uid, group 65534 (unmapped).
 */
static void become_root(const struct jaula_spawn_request *req)
{
    int sync_fd = req->sync_fd;
    if (syscall(SYS_setresuid, 0, 0, 0) < 0)
        fail(sync_fd, "setresuid", "0", errno);
    if ((req->unshare_flags & CLONE_NEWIPC) && unshare(CLONE_NEWIPC) < 0)
        fail(sync_fd, "unshare", "ipc", errno);
    if (syscall(SYS_setresgid, 0, 0, 0) < 0)
        fail(sync_fd, "setresgid", "0", errno);
    /* Denied when /proc/<pid>/setgroups says "deny" (unprivileged maps); the init sets the groups it needs later. */
    if (syscall(SYS_setgroups, 0, NULL) < 0 && errno != EPERM)
        fail(sync_fd, "setgroups", "[]", errno);
}

static void unshare_late(const struct jaula_spawn_request *req)
{
    if ((req->unshare_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        fail(req->sync_fd, "unshare", "cgroup", errno);
    if (req->unshare_flags & CLONE_NEWTIME) {
        /* The offsets must be written before any process enters the namespace; execve then enters it. */
        if (unshare(CLONE_NEWTIME) < 0)
            fail(req->sync_fd, "unshare", "time", errno);
        if (req->timens_offsets && req->timens_offsets[0]) {
            int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
            if (fd < 0)
                fail(req->sync_fd, "open", "/proc/self/timens_offsets", errno);
            if (write_all(fd, req->timens_offsets, strlen(req->timens_offsets)) < 0)
                fail(req->sync_fd, "write", "/proc/self/timens_offsets", errno);
            close(fd);
        }
    }
}

/* Moves sync, fifo and exe to base, base+1, base+2 and closes everything above; returns the exe fd. */
static int lay_out_fds(const struct jaula_spawn_request *req, int *sync_fd)
{
    int base = 3 + req->preserve_fds;
    int high = base + 3;
    int tmp_sync = fcntl(*sync_fd, F_DUPFD_CLOEXEC, high);
    if (tmp_sync < 0)
        fail(*sync_fd, "fcntl", "sync fd", errno);
    int tmp_fifo = -1;
    if (req->fifo_fd >= 0 && (tmp_fifo = fcntl(req->fifo_fd, F_DUPFD_CLOEXEC, high)) < 0)
        fail(*sync_fd, "fcntl", "fifo fd", errno);
    int tmp_exe = fcntl(req->exe_fd, F_DUPFD_CLOEXEC, high);
    if (tmp_exe < 0)
        fail(*sync_fd, "fcntl", "exe fd", errno);

    if (dup3(tmp_sync, base, 0) < 0)
        fail(tmp_sync, "dup3", "sync fd", errno);
    *sync_fd = base;
    if (tmp_fifo >= 0 && dup3(tmp_fifo, base + 1, 0) < 0)
        fail(base, "dup3", "fifo fd", errno);
    if (tmp_fifo < 0)
        close(base + 1);
    /* The binary is consumed by execveat itself, so it may (and should) be close-on-exec. */
    if (dup3(tmp_exe, base + 2, O_CLOEXEC) < 0)
        fail(base, "dup3", "exe fd", errno);
    if (syscall(SYS_close_range, (unsigned)high, ~0U, 0) < 0)
        fail(base, "close_range", "fds", errno);
    return base + 2;
}

static pid_t clone_child(uint64_t flags, int cgroup_fd, int *pidfd);

/* Sends an empty frame of this type with fd attached to its first byte. */
static int send_fd_frame(int sync_fd, uint32_t type, int fd)
{
    uint32_t header[2] = {type, 0};
    struct iovec iov = {.iov_base = header, .iov_len = sizeof(header)};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    ssize_t n;
    do
        n = sendmsg(sync_fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof(header) ? 0 : -1;
}

/*
 * runc's order for a new user namespace with joined ones: the joins happened as host root; now the user namespace,
 * its maps (written by the parent), then the other new namespaces, owned by it. The pid namespace applies to
 * children only, so the init is cloned here, as our parent's child; this process reports its pidfd and exits.
 * Returns in the init only.
 */
static void clone_sibling_init(int sync_fd);

static void unshare_user_then_clone(const struct jaula_spawn_request *req)
{
    int sync_fd = req->sync_fd;
    if (unshare(CLONE_NEWUSER) < 0)
        fail(sync_fd, "unshare", "user", errno);
    uint32_t header[2] = {JAULA_FRAME_USERNS, 0};
    if (write_all(sync_fd, header, sizeof(header)) < 0)
        _exit(1);
    wait_for_go(sync_fd);
    uint64_t rest = req->clone_flags & ~(uint64_t)CLONE_NEWUSER;
    if (rest && unshare((int)rest) < 0)
        fail(sync_fd, "unshare", "namespaces", errno);
    clone_sibling_init(sync_fd);
}

/* Clones the init as our parent's child (a pid namespace applies to children only), sends its pidfd and exits.
 * Returns in the init only. */
static void clone_sibling_init(int sync_fd)
{
    int pidfd = -1;
    pid_t pid = clone_child(CLONE_PARENT, -1, &pidfd); /* born in our cgroup: the one the parent chose */
    if (pid < 0)
        fail(sync_fd, "clone3", "init", errno);
    if (pid == 0) {
        die_with_parent(); /* a new child starts without it; our parent is its parent */
        return;
    }
    if (send_fd_frame(sync_fd, JAULA_FRAME_PIDFD, pidfd) < 0)
        kill(pid, SIGKILL); /* the parent cannot learn of it: the init must not live on unseen */
    _exit(0);
}

static void __attribute__((noreturn)) child_main(const struct jaula_spawn_request *req)
{
    int sync_fd = req->sync_fd;
    die_with_parent();
    if (req->parent_sync_fd >= 0)
        close(req->parent_sync_fd);
    jaula_reset_signals();
    join_cgroups(req);
    join_namespaces(req);
    if (req->unshare_flags & CLONE_NEWUSER)
        unshare_user_then_clone(req);
    else if (req->pid_join_in_child)
        clone_sibling_init(sync_fd);
    wait_for_go(sync_fd);
    if (req->become_root) {
        become_root(req);
        die_with_parent(); /* a new effective uid cleared it */
    }
    unshare_late(req);
    int exe_fd = lay_out_fds(req, &sync_fd);
    syscall(SYS_execveat, exe_fd, "", req->argv, req->envp, AT_EMPTY_PATH);
    fail(sync_fd, "execveat", "jaula init", errno);
}

/* ---- the parent ---------------------------------------------------------------------------------------------- */

static int validate(const struct jaula_spawn_request *req)
{
    if (!req || !req->argv || !req->argv[0] || !req->envp)
        return -EINVAL;
    if (req->n_joins < 0 || req->n_joins > JAULA_MAX_JOINS)
        return -EINVAL;
    if (req->sync_fd < 0 || req->exe_fd < 0 || req->preserve_fds < 0 || req->preserve_fds > 65536)
        return -EINVAL;
    if (req->cgroup_fd < -1 || req->parent_sync_fd < -1)
        return -EINVAL;
    if (req->n_cgroup_tasks < 0 || req->n_cgroup_tasks > JAULA_MAX_CGROUP_TASKS)
        return -EINVAL;
    for (int i = 0; i < req->n_cgroup_tasks; i++) {
        if (req->cgroup_tasks[i] < 0)
            return -EINVAL;
    }
    for (int i = 0; i < req->n_joins; i++) {
        if (req->joins[i].fd < 0)
            return -EINVAL;
        for (int j = 0; j < i; j++) {
            if (req->joins[j].nstype == req->joins[i].nstype)
                return -EINVAL; /* one namespace of each kind */
        }
    }
    return 0;
}

/* With cgroup_fd >= 0: clone3 only (clone(2) cannot place a child), and its refusal is returned as is. */
static pid_t clone_child(uint64_t flags, int cgroup_fd, int *pidfd)
{
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = flags | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)pidfd;
    args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD; /* a sibling signals our parent as we would */
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t)cgroup_fd;
    }
    pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
    if (pid < 0 && cgroup_fd < 0 && (errno == ENOSYS || errno == E2BIG)) {
        /* clone(2) on x86_64: flags, stack, parent_tid (receives the pidfd), child_tid, tls. */
        pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | CLONE_PIDFD | SIGCHLD), NULL, pidfd, NULL, 0);
    }
    return pid;
}

/* A pid namespace is entered by the children of the caller, so the parent's thread joins it around clone. */
static int enter_pid_namespace(const struct jaula_spawn_request *req, int *restore_fd)
{
    *restore_fd = -1;
    for (int i = 0; i < req->n_joins; i++) {
        if (req->joins[i].nstype != CLONE_NEWPID)
            continue;
        *restore_fd = open("/proc/thread-self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
        if (*restore_fd < 0)
            return -errno;
        if (setns(req->joins[i].fd, CLONE_NEWPID) < 0) {
            int err = errno;
            close(*restore_fd);
            *restore_fd = -1;
            return -err;
        }
    }
    return 0;
}

int jaula_spawn(const struct jaula_spawn_request *req, int32_t *pid_out, int32_t *pidfd_out, int32_t *cgroup_err_out)
{
    int rc = validate(req);
    if (rc < 0 || !pid_out || !pidfd_out || !cgroup_err_out)
        return rc < 0 ? rc : -EINVAL;
    *cgroup_err_out = -1;

    int restore_pidns = -1;
    rc = req->pid_join_in_child ? 0 : enter_pid_namespace(req, &restore_pidns);
    if (rc < 0)
        return rc;

    /* All signals blocked across clone: no runtime handler may run in the child before it resets them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);

    int pidfd = -1;
    /* With the user namespace made after the joins, the child creates every namespace itself. */
    uint64_t flags = (req->unshare_flags & CLONE_NEWUSER) ? 0 : req->clone_flags;
    pid_t pid = -1;
    if (req->cgroup_fd >= 0) {
        pid = clone_child(flags, req->cgroup_fd, &pidfd);
        if (pid == 0)
            child_main(req);
        *cgroup_err_out = pid < 0 ? errno : 0;
    }
    if (pid < 0) {
        /* Not asked, or refused: an ordinary clone, and the parent writes cgroup.procs. */
        pid = clone_child(flags, -1, &pidfd);
        if (pid == 0)
            child_main(req);
    }
    int err = errno;

    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (restore_pidns >= 0) {
        /* Staying in the container's pid namespace would put this thread's later children there: undo or give up. */
        int restored = setns(restore_pidns, CLONE_NEWPID);
        int restore_err = errno;
        close(restore_pidns);
        if (restored < 0) {
            if (pid > 0) {
                kill(pid, SIGKILL);
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                    ;
                close(pidfd);
            }
            return -restore_err;
        }
    }
    if (pid < 0)
        return -err;
    *pid_out = pid;
    *pidfd_out = pidfd;
    return 0;
}

/* ---- the user namespace holder (idmapped mounts) ------------------------------------------------------------- */

int jaula_spawn_userns_holder(int32_t *pid_out, int32_t *pidfd_out)
{
    if (!pid_out || !pidfd_out)
        return -EINVAL;
    pid_t parent = getpid();
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pidfd = -1;
    pid_t pid = clone_child(CLONE_NEWUSER, -1, &pidfd);
    if (pid == 0) {
        /* Every signal stays blocked: only SIGKILL ends this process, from the parent or at the parent's death. */
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != parent)
            _exit(1);
        for (;;)
            pause();
    }
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0)
        return -err;
    *pid_out = pid;
    *pidfd_out = pidfd;
    return 0;
}
