/*
 * `delete` without .NET (fast_path.c), for a stopped container whose delete ticket says `delete` has nothing else to
 * do (no poststop hooks, no resctrl group, no systemd unit, no mounts in the host's namespace; DeleteTicket.cs):
 *   jaula-delete-ticket 1 <pid> <start time>
 *   d <the container's cgroup directory>        (each hierarchy's; removed, or already gone)
 *   p <a parent directory create made>          (removed if nothing else uses it, deepest first)
 * It goes on while the init is gone (Container.InitIsAlive is false), or with --force once it has killed it
 * (stop_init); a live init without --force is the managed delete's, which refuses it. A cgroup that still holds a
 * process or a child (rmdir says EBUSY or ENOTEMPTY) sends it to the managed delete, which kills and removes what is
 * left: what this removed before is gone for it as well. Last, the state directory's files and the directory itself,
 * as StateStore.Remove.
 */
#include "fast_path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TICKET_FILE "delete.ticket"
#define TICKET_MAGIC "jaula-delete-ticket 1 "
#define TICKET_MAX 16384 /* DeleteTicket.MaxLength */
#define STOP_WAIT_MS 200 /* for the init's exit after SIGKILL; the managed delete waits 10 s */

/* Runs fn on each line of kind `kind` ('d' or 'p') after the first; -1 when a line is malformed or fn fails. */
static int each_line(char *lines, char kind, int (*fn)(const char *path))
{
    for (char *line = lines; *line;) {
        char *end = strchr(line, '\n');
        if (!end || end - line < 3 || (line[0] != 'd' && line[0] != 'p') || line[1] != ' ' || line[2] != '/')
            return -1;
        *end = '\0';
        int r = line[0] == kind ? fn(line + 2) : 0;
        *end = '\n';
        if (r < 0)
            return -1;
        line = end + 1;
    }
    return 0;
}

static int remove_cgroup(const char *path)
{
    return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int remove_parent_if_unused(const char *path)
{
    return rmdir(path) == 0 || errno == ENOENT || errno == ENOTEMPTY || errno == EBUSY ? 0 : -1;
}

/* The state directory's entries (files only: anything else is the managed delete's), then the directory. */
static int remove_state(struct fast_container *c)
{
    char buf[4096] __attribute__((aligned(8)));
    for (;;) {
        long n = syscall(SYS_getdents64, c->dir, buf, sizeof(buf));
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct dirent64 *e = (struct dirent64 *)(buf + off);
            if (e->d_reclen == 0 || off + e->d_reclen > n)
                return -1;
            off += e->d_reclen;
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (e->d_type == DT_DIR || unlinkat(c->dir, e->d_name, 0) < 0)
                return -1;
        }
    }
    return unlinkat(c->root, c->id, AT_REMOVEDIR);
}

/*
 * delete --force of a live container: SIGKILL to the init through a pidfd checked against the ticket (a reused pid is
 * never signalled), and a short wait for its exit. An init that does not die in time (a frozen cgroup holds the
 * signal) goes to the managed delete, which thaws and waits. The container's other processes die with the init's pid
 * namespace or stay in its cgroups, where rmdir's EBUSY sends them to the managed delete as well.
 */
static int stop_init(pid_t pid, uint64_t start_time)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0)
        return errno == ESRCH ? 0 : -1;
    int rc = -1;
    if (!fast_init_is_alive(pid, start_time)) {
        rc = 0; /* gone since, or another process now */
    } else if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0) {
        struct pollfd fd = {.fd = pidfd, .events = POLLIN};
        int n;
        while ((n = poll(&fd, 1, STOP_WAIT_MS)) < 0 && errno == EINTR)
            ;
        rc = n == 1 ? 0 : -1;
    }
    close(pidfd);
    return rc;
}

int fast_delete(struct fast_container *c)
{
    char ticket[TICKET_MAX];
    pid_t pid;
    uint64_t start_time;
    const char *end;
    if (fast_read_small(c->dir, TICKET_FILE, ticket, sizeof(ticket)) < 0
        || strncmp(ticket, TICKET_MAGIC, sizeof(TICKET_MAGIC) - 1) != 0
        || fast_parse_init(ticket + sizeof(TICKET_MAGIC) - 1, "\n", &pid, &start_time, &end) < 0 || fast_lock(c) < 0)
        return -1;
    if (fast_init_is_alive(pid, start_time) && (!c->force || stop_init(pid, start_time) < 0))
        return -1; /* without --force the managed delete refuses it; an init that did not die goes to it too */
    char *lines = (char *)end + 1;
    if (each_line(lines, 'd', remove_cgroup) < 0 || each_line(lines, 'p', remove_parent_if_unused) < 0)
        return -1;
    return remove_state(c) < 0 ? -1 : 0;
}
