/*
 * `start` without .NET (fast_path.c): what ExecFifo.Release does, for a container whose start ticket says `start`
 * has nothing else to do (a process, no poststart hooks; StartTicket.cs). Checks the init's pid and start time
 * against /proc (as Container.OpenInitPidFd), opens the exec fifo without blocking, waits for the init's byte or its
 * exit, and on "0" removes the fifo. The one thing it cannot hand back is the init's refusal (a "1" and the failure,
 * after which the init exits): it leaves that in start.refused, where the managed start takes it and tears the
 * container down as runtime.md asks.
 */
#include "fast_path.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TICKET_FILE "start.ticket"
#define REFUSAL_FILE "start.refused"
#define FIFO_FILE "exec.fifo"
#define TICKET_MAGIC "jaula-start-ticket 1 "
#define REFUSAL_MAX 4096 /* the init writes one message under PIPE_BUF */

/* "jaula-start-ticket 1 <pid> <start time>\n", as StartTicket.Format puts it. */
static int read_ticket(int dir, pid_t *pid, uint64_t *start_time)
{
    char buf[96];
    const char *end;
    if (fast_read_small(dir, TICKET_FILE, buf, sizeof(buf)) < 0 || strncmp(buf, TICKET_MAGIC, sizeof(TICKET_MAGIC) - 1) != 0)
        return -1;
    if (fast_parse_init(buf + sizeof(TICKET_MAGIC) - 1, "\n", pid, start_time, &end) < 0 || end[1] != '\0')
        return -1;
    return 0;
}

static void write_all(int fd, const char *text, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += (size_t)n;
    }
}

/* The init refused (its startContainer hooks or its final phase failed): keep what it wrote for the managed start. */
static void keep_refusal(int dir, int fifo)
{
    char text[REFUSAL_MAX];
    size_t len = 0;
    while (len < sizeof(text)) {
        ssize_t n = read(fifo, text + len, sizeof(text) - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    int fd = openat(dir, REFUSAL_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    write_all(fd, text, len);
    close(fd);
}

/* Waits for the init's byte on the fifo; 1 with it, 0 when the init died first, -1 on a failing call. */
static int await_byte(int fifo, int pidfd, char *byte)
{
    struct pollfd fds[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if ((fds[0].revents & POLLIN) && read(fifo, byte, 1) == 1)
            return 1;
        if (fds[1].revents)
            return 0;
        if (fds[0].revents & POLLHUP) {
            struct timespec ms = {.tv_sec = 0, .tv_nsec = 1000000};
            nanosleep(&ms, NULL); /* a hung-up fifo polls ready at once: no writer yet, do not spin */
        }
    }
}

int fast_start(struct fast_container *c)
{
    pid_t pid;
    uint64_t start_time;
    if (read_ticket(c->dir, &pid, &start_time) < 0 || fast_lock(c) < 0)
        return -1;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0)
        return -1;
    int result = -1;
    int fifo = -1;
    char byte;
    if (!fast_init_is_alive(pid, start_time))
        goto out; /* stopped: the managed start says so */
    fifo = openat(c->dir, FIFO_FILE, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fifo < 0 || await_byte(fifo, pidfd, &byte) <= 0)
        goto out; /* no fifo (running already), an init that died, a failing call: the managed start words it */
    if (byte == '0') {
        unlinkat(c->dir, FIFO_FILE, 0);
        result = 0;
    } else {
        keep_refusal(c->dir, fifo); /* and the managed start reports it */
    }
out:
    if (fifo >= 0)
        close(fifo);
    close(pidfd);
    return result;
}
