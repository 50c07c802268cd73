/*
 * The criu keeper; see criu_keeper.h for what it does and why. Rules as in stage.c: after clone only raw system
 * calls and async-signal-safe functions (no malloc, no stdio), every failure reported to the parent.
 */
#include "criu_keeper.h"
#include "child_signals.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define KEEP_MAX 8

/* A fork with a pidfd: clone(2) on x86_64 takes flags, stack, parent_tid (receives the pidfd), child_tid, tls. */
static pid_t fork_with_pidfd(int *pidfd)
{
    return (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PIDFD | SIGCHLD), NULL, pidfd, NULL, 0);
}

/* Sends one message; MSG_NOSIGNAL: a parent that is gone is an error here, not a SIGPIPE. */
static int send_msg(int ctl, int32_t type, int32_t value, int32_t step)
{
    struct jaula_keeper_msg msg = {type, value, step};
    const char *p = (const char *)&msg;
    size_t left = sizeof(msg);
    while (left > 0) {
        ssize_t n = send(ctl, p, left, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        left -= (size_t)n;
    }
    return 0;
}

/* One byte from the parent; 0 at end-of-file or on an error (both: the parent is gone or gave up). */
static char read_word(int ctl)
{
    char c;
    for (;;) {
        ssize_t n = read(ctl, &c, 1);
        if (n == 1)
            return c;
        if (n < 0 && errno == EINTR)
            continue;
        return 0;
    }
}

/* Closes every fd above 2 except the n in keep (negative entries are ignored). */
static void close_others(const int *keep, int n)
{
    int sorted[KEEP_MAX];
    int count = 0;
    for (int i = 0; i < n && count < KEEP_MAX; i++) {
        if (keep[i] < 3)
            continue;
        int j = count++;
        while (j > 0 && sorted[j - 1] > keep[i]) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = keep[i];
    }
    unsigned lo = 3;
    for (int i = 0; i < count; i++) {
        unsigned k = (unsigned)sorted[i];
        if (k > lo)
            syscall(SYS_close_range, lo, k - 1, 0);
        if (k + 1 > lo)
            lo = k + 1;
    }
    syscall(SYS_close_range, lo, ~0U, 0);
}

/*
 * SIGKILLs every child (criu, and whatever was reparented to us as subreaper) and reaps until none is left; a child
 * reparented while we wait is found on the next pass. Without /proc the children cannot be listed: the ones already
 * dead are reaped and the rest left (their cgroup is the container's, which `delete` empties).
 */
static void kill_all(pid_t criu)
{
    /* The keeper has one thread, so its children are those of /proc/thread-self. */
    static const char path[] = "/proc/thread-self/children";

    if (criu > 0)
        kill(criu, SIGKILL);
    for (;;) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
                ;
            return;
        }
        char buf[512];
        long pid = 0;
        int have = 0;
        ssize_t n;
        while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
            for (ssize_t i = 0; i < n; i++) {
                if (buf[i] >= '0' && buf[i] <= '9' && pid < 100000000) {
                    pid = pid * 10 + (buf[i] - '0');
                    have = 1;
                } else if (have) {
                    kill((pid_t)pid, SIGKILL);
                    pid = 0;
                    have = 0;
                }
            }
        }
        if (have)
            kill((pid_t)pid, SIGKILL);
        close(fd);
        pid_t w = waitpid(-1, NULL, __WALL);
        if (w < 0 && errno != EINTR)
            return; /* ECHILD: nothing left */
    }
}

/* criu's side of the fork: fds 0-2 (and 3), death with the keeper, exec. Failures go to err_fd as an errno. */
static void __attribute__((noreturn)) criu_child(const struct jaula_keeper_request *req, pid_t keeper, int err_fd)
{
    int err;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
        err = errno;
        goto fail;
    }
    if (getppid() != keeper)
        _exit(1); /* the keeper died before the prctl: nobody to report to */
    /* The pipe may have got fd 3 or below, which the dups below replace: a failure would then be written into
       criu's stdio or fd 3 and lost. It moves above every target first. */
    if (err_fd < 10) {
        int moved = fcntl(err_fd, F_DUPFD_CLOEXEC, 10);
        if (moved < 0) {
            err = errno;
            goto fail;
        }
        err_fd = moved;
    }
    /* Copies above every target first, so a source that is also a target (stdin given as fd 1...) is not lost. */
    int src[4] = {req->stdin_fd, req->stdout_fd, req->stderr_fd, req->fd3};
    int tmp[4] = {-1, -1, -1, -1};
    for (int i = 0; i < 4; i++) {
        if (src[i] >= 0 && (tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) < 0) {
            err = errno;
            goto fail;
        }
    }
    for (int i = 0; i < 4; i++) {
        if (tmp[i] >= 0 && dup3(tmp[i], i, 0) < 0) {
            err = errno;
            goto fail;
        }
    }
    /* Everything else closes at exec; err_fd stays open until then to carry a failure. */
    if (syscall(SYS_close_range, req->fd3 >= 0 ? 4U : 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        err = errno;
        goto fail;
    }
    execve(req->path, (char *const *)req->argv, (char *const *)req->envp);
    err = errno;
fail:;
    int32_t e = err;
    ssize_t ignored = write(err_fd, &e, sizeof(e));
    (void)ignored;
    _exit(127);
}

static void __attribute__((noreturn)) keeper_main(const struct jaula_keeper_request *req, int ctl, int parent_ctl)
{
    close(parent_ctl); /* the parent's death now reads as end-of-file here */
    jaula_reset_signals();
    setpgid(0, 0); /* out of the caller's process group: a terminal's ^C reaches jaula, which then ends us */
    int keep[] = {ctl, req->hold_fd, req->stdin_fd, req->stdout_fd, req->stderr_fd, req->fd3};
    close_others(keep, (int)(sizeof(keep) / sizeof(keep[0])));

    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        send_msg(ctl, JAULA_KEEPER_FAILED, errno, JAULA_KEEPER_STEP_SUBREAPER);
        _exit(1);
    }
    if (read_word(ctl) != JAULA_KEEPER_GO)
        _exit(0);

    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) < 0) {
        send_msg(ctl, JAULA_KEEPER_FAILED, errno, JAULA_KEEPER_STEP_FORK);
        _exit(1);
    }
    pid_t keeper = getpid();
    int pidfd = -1;
    pid_t criu = fork_with_pidfd(&pidfd);
    if (criu == 0)
        criu_child(req, keeper, err_pipe[1]);
    if (criu < 0) {
        send_msg(ctl, JAULA_KEEPER_FAILED, errno, JAULA_KEEPER_STEP_FORK);
        _exit(1);
    }
    close(err_pipe[1]);
    int32_t exec_err = 0;
    ssize_t n;
    while ((n = read(err_pipe[0], &exec_err, sizeof(exec_err))) < 0 && errno == EINTR)
        ;
    close(err_pipe[0]);
    if (n == (ssize_t)sizeof(exec_err)) {
        while (waitpid(criu, NULL, 0) < 0 && errno == EINTR)
            ;
        send_msg(ctl, JAULA_KEEPER_FAILED, exec_err, JAULA_KEEPER_STEP_EXEC);
        _exit(1);
    }
    if (send_msg(ctl, JAULA_KEEPER_STARTED, criu, 0) < 0) {
        kill_all(criu);
        _exit(1);
    }

    /* criu runs: wait for it to exit, or for the parent to go away (any byte, or end-of-file) and end it. */
    struct pollfd fds[2] = {{.fd = ctl, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    for (;;) {
        int ready = poll(fds, 2, -1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0) {
            send_msg(ctl, JAULA_KEEPER_FAILED, errno, JAULA_KEEPER_STEP_WAIT);
            kill_all(criu);
            _exit(1);
        }
        if (fds[0].revents) {
            kill_all(criu);
            _exit(0);
        }
        if (fds[1].revents)
            break;
    }
    int status = 0;
    while (waitpid(criu, &status, 0) < 0) {
        if (errno != EINTR) {
            send_msg(ctl, JAULA_KEEPER_FAILED, errno, JAULA_KEEPER_STEP_WAIT);
            kill_all(-1);
            _exit(1);
        }
    }
    if (send_msg(ctl, JAULA_KEEPER_EXITED, status, 0) < 0 || read_word(ctl) != JAULA_KEEPER_RELEASE) {
        kill_all(-1);
        _exit(0);
    }
    _exit(0); /* released: our children are reparented to the parent's nearest subreaper (or init) */
}

int jaula_keeper_spawn(const struct jaula_keeper_request *req, int32_t *pid_out, int32_t *ctl_out)
{
    if (!req || !req->path || !req->argv || !req->envp || !pid_out || !ctl_out || req->stdin_fd < 0
        || req->stdout_fd < 0 || req->stderr_fd < 0)
        return -EINVAL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -errno;

    /* All signals blocked across clone: no runtime handler may run in the child before it resets them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    /* A raw clone, not fork(): no atfork handler of the runtime may run around it. */
    pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL, 0);
    if (pid == 0)
        keeper_main(req, sv[1], sv[0]);
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return -err;
    }
    *pid_out = pid;
    *ctl_out = sv[0];
    return 0;
}
