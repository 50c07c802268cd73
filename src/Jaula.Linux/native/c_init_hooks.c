/*
 * The C init's hooks (c_init.h): createContainer before pivot_root and startContainer at `start`, each run as
 * Runtime/Hooks/HookProcess.cs runs one — argv and envp exactly as the parent encoded them, the state JSON on a stdin
 * pipe, stdout and stderr drained into fixed buffers, past its timeout its whole process group killed — and worded
 * as HookFailedException's messages. No malloc: the buffers are static (one hook runs at a time).
 *
 * The child is a raw clone (no atfork handlers), resets every signal, leads a process group of its own (as
 * posix_spawn's SETPGROUP), takes the pipes as 0, 1, 2 (and a createContainer hook's executable, opened by the parent
 * in the runtime namespace, as 3: it runs /proc/self/fd/3, as HookProcess does) with every other fd close-on-exec,
 * umask 022 for createContainer (the init builds the root with 0). An execve failure comes back on a close-on-exec
 * pipe as its errno, worded as posix_spawn's ("cannot run ...").
 */
#include "c_init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child_signals.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define OUTPUT_LIMIT 4096U /* HookProcess.OutputLimit */

struct sink {
    char buf[OUTPUT_LIMIT];
    size_t len;
    int fd; /* -1 at end of file */
};

static struct sink s_out, s_err;

/* ---- the message ---------------------------------------------------------------------------------------------- */

static void put_n(struct jaula_hook_text *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n && t->len + 1 < sizeof(t->buf); i++)
        t->buf[t->len++] = s[i];
    t->buf[t->len] = '\0';
}

static void put(struct jaula_hook_text *t, const char *s)
{
    put_n(t, s, strlen(s));
}

static void put_uint(struct jaula_hook_text *t, unsigned long u)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < (int)sizeof(digits));
    while (n > 0)
        put_n(t, &digits[--n], 1);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The output trimmed as string.Trim does for ASCII whitespace: *start and the length. */
static size_t trimmed(const struct sink *s, const char **start)
{
    const char *p = s->buf, *end = s->buf + s->len;
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;
    *start = p;
    return (size_t)(end - p);
}

/* HookIo.StderrSuffix: ": stderr: <text>", else ": stdout: <text>", else nothing. */
static void put_output(struct jaula_hook_text *t)
{
    const char *p;
    size_t n = trimmed(&s_err, &p);
    if (n > 0) {
        put(t, ": stderr: ");
    } else {
        n = trimmed(&s_out, &p);
        if (n == 0)
            return;
        put(t, ": stdout: ");
    }
    put_n(t, p, n);
}

static void put_field(struct jaula_hook_text *t, const struct jaula_init_hook *h)
{
    put(t, h->kind == JAULA_HOOK_CREATE_CONTAINER ? "hooks.createContainer[" : "hooks.startContainer[");
    put_uint(t, h->index);
    put(t, "]: ");
}

static void put_errno(struct jaula_hook_text *t, int err)
{
    const char *cause = strerrordesc_np(err);
    put(t, cause ? cause : "Unknown error");
}

/* "<field>: cannot run <path>: <call> <what>: <cause>", as an ErrnoException from Sys.Spawn. */
static int cannot_run(struct jaula_hook_text *t, const struct jaula_init_hook *h, const char *call, const char *what, int err)
{
    put_field(t, h);
    put(t, "cannot run ");
    put(t, h->path);
    put(t, ": ");
    put(t, call);
    if (what) {
        put(t, " ");
        put(t, what);
    }
    put(t, ": ");
    put_errno(t, err);
    return -1;
}

/* Signals.Name for the standard signals ("SIGKILL"); others by number. */
static void put_signal(struct jaula_hook_text *t, int sig)
{
    const char *abbrev = sig > 0 && sig < 32 ? sigabbrev_np(sig) : NULL;
    put(t, "SIG");
    if (abbrev)
        put(t, abbrev);
    else
        put_uint(t, (unsigned long)sig);
}

/* ---- running one hook ----------------------------------------------------------------------------------------- */

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Reads what is there; at end of file closes the fd. Keeps at most OUTPUT_LIMIT bytes. */
static void drain(struct sink *s)
{
    char chunk[4096];
    while (s->fd >= 0) {
        ssize_t n = read(s->fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return; /* EAGAIN */
        if (n == 0) {
            close_fd(&s->fd);
            return;
        }
        size_t keep = (size_t)n;
        if (keep > OUTPUT_LIMIT - s->len)
            keep = OUTPUT_LIMIT - s->len;
        memcpy(s->buf + s->len, chunk, keep);
        s->len += keep;
    }
}

/* Writes what the pipe takes; closes stdin once all is written or the hook closed its end. */
static void feed(int *fd, const char *state, size_t len, size_t *written)
{
    while (*fd >= 0 && *written < len) {
        ssize_t n = write(*fd, state + *written, len - *written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0)
            break; /* EPIPE: the hook did not read its stdin, allowed */
        *written += (size_t)n;
    }
    close_fd(fd);
}

static void __attribute__((noreturn)) child(const struct jaula_init_hook *h, int exec_fd, int in, int out, int err, int report)
{
    jaula_reset_signals();
    int e = 0;
    if (setpgid(0, 0) < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || (exec_fd >= 0 && dup2(exec_fd, 3) < 0)
        || syscall(SYS_close_range, exec_fd >= 0 ? 4U : 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        e = errno;
    if (e == 0) {
        if (h->kind == JAULA_HOOK_CREATE_CONTAINER)
            umask(022);
        execve(exec_fd >= 0 ? "/proc/self/fd/3" : h->path, (char *const *)h->argv, (char *const *)h->envp);
        e = errno;
    }
    while (write(report, &e, sizeof(e)) < 0 && errno == EINTR)
        ;
    _exit(127);
}

/* waitpid's status as Sys.WaitForExit gives it: the exit code, or 128 + the signal. */
static int exit_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}


/* Whether the hook has exited, leaving it to be reaped (wait4 refuses WNOWAIT; waitid takes it). */
static int exited_unreaped(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}
static void reap(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
}

int jaula_run_hook(const struct jaula_init_hook *h, int exec_fd, const char *state, struct jaula_hook_text *msg)
{
    msg->len = 0;
    msg->buf[0] = '\0';
    s_out.len = s_err.len = 0;
    int in[2], out[2], err[2], report[2];
    const char *spawn_path = exec_fd >= 0 ? "/proc/self/fd/3" : h->path;
    if (pipe2(in, O_CLOEXEC) < 0)
        return cannot_run(msg, h, "pipe2", NULL, errno);
    if (pipe2(out, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]), close(in[1]);
        return cannot_run(msg, h, "pipe2", NULL, e);
    }
    if (pipe2(err, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        return cannot_run(msg, h, "pipe2", NULL, e);
    }
    if (pipe2(report, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        return cannot_run(msg, h, "pipe2", NULL, e);
    }
    /* A hook that closes its stdin unread must not kill us with SIGPIPE: ignored while it runs, then restored. */
    struct sigaction ignore, old;
    memset(&ignore, 0, sizeof(ignore));
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old);

    long pid = syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, 0UL, 0UL, 0UL);
    if (pid == 0)
        child(h, exec_fd, in[0], out[1], err[1], report[1]);
    int spawn_err = pid < 0 ? errno : 0;
    close(in[0]), close(out[1]), close(err[1]), close(report[1]);
    int rc = 0, status = 0;
    if (pid < 0) {
        rc = cannot_run(msg, h, "clone", NULL, spawn_err);
        close(in[1]), close(out[0]), close(err[0]), close(report[0]);
        goto out;
    }
    /* The child's execve closes the report pipe; before that it writes the errno of what failed. */
    int child_err = 0;
    ssize_t n;
    while ((n = read(report[0], &child_err, sizeof(child_err))) < 0 && errno == EINTR)
        ;
    close(report[0]);
    if (n == (ssize_t)sizeof(child_err)) {
        reap((pid_t)pid, &status);
        close(in[1]), close(out[0]), close(err[0]);
        rc = cannot_run(msg, h, "posix_spawn", spawn_path, child_err);
        goto out;
    }

    int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0U);
    int stdin_fd = in[1];
    s_out.fd = out[0];
    s_err.fd = err[0];
    fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
    fcntl(s_out.fd, F_SETFL, O_NONBLOCK);
    fcntl(s_err.fd, F_SETFL, O_NONBLOCK);
    size_t state_len = strlen(state), written = 0;
    long deadline = (h->flags & JAULA_HOOKF_TIMEOUT) ? now_ms() + (long)h->timeout * 1000 : -1;
    int exited = 0, poll_err = 0;
    feed(&stdin_fd, state, state_len, &written);
    for (;;) {
        long left = -1;
        if (deadline >= 0) {
            left = deadline - now_ms();
            if (left <= 0)
                break;
        }
        struct pollfd fds[4] = {
            {.fd = pidfd, .events = POLLIN},
            {.fd = s_out.fd, .events = POLLIN},
            {.fd = s_err.fd, .events = POLLIN},
            {.fd = stdin_fd, .events = POLLOUT},
        };
        /* Without a pidfd (a kernel before 5.3) the hook's exit is seen by polling waitpid every 10 ms. */
        int timeout = pidfd < 0 ? 10 : (left < 0 || left > 0x7fffffffL ? -1 : (int)left);
        if (pidfd < 0 && left >= 0 && left < timeout)
            timeout = (int)left;
        if (poll(fds, 4, timeout) < 0 && errno != EINTR) {
            poll_err = errno; /* the hook cannot be watched: killed as at its timeout, but not called timed out */
            break;
        }
        if (fds[3].revents)
            feed(&stdin_fd, state, state_len, &written);
        drain(&s_out);
        drain(&s_err);
        if (pidfd >= 0 ? fds[0].revents != 0 : exited_unreaped((pid_t)pid)) {
            drain(&s_out); /* what it wrote just before exiting; its children may keep the pipes open */
            drain(&s_err);
            exited = 1;
            break;
        }
    }
    close_fd(&stdin_fd);
    close_fd(&s_out.fd);
    close_fd(&s_err.fd);
    if (pidfd >= 0)
        close(pidfd);
    if (!exited) {
        kill(-(pid_t)pid, SIGKILL); /* the group: what the hook started */
        kill((pid_t)pid, SIGKILL);
        reap((pid_t)pid, &status);
        put_field(msg, h);
        put(msg, h->path);
        if (poll_err) {
            put(msg, " could not be waited for and was killed: poll: ");
            put_errno(msg, poll_err);
        } else {
            put(msg, " did not finish within its timeout of ");
            put_uint(msg, h->timeout);
            put(msg, " s and was killed");
        }
        put_output(msg);
        rc = -1;
        goto out;
    }
    reap((pid_t)pid, &status);
    int code = exit_status(status);
    if (code != 0) {
        put_field(msg, h);
        put(msg, h->path);
        if (code > 128) {
            put(msg, " was killed by ");
            put_signal(msg, code - 128);
        } else {
            put(msg, " exited with status ");
            put_uint(msg, (unsigned long)code);
        }
        put_output(msg);
        rc = -1;
    }
out:
    sigaction(SIGPIPE, &old, NULL);
    return rc;
}
