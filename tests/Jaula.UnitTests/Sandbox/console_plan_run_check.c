/*
 * Test driver for ProcessPlanTests: runs the plan in argv[1] (a JAULA_OP_CONSOLE among its operations) with
 * rootfs_plan_exec.c in this process, argv[2] being the number the plan gives the sync socket and argv[4] the console
 * target (the operation's path as seen from here). With argv[3] "ns" it
 * first enters a user and mount namespace of its own (no root needed; the /dev/console bind then stays in it and
 * goes with this process). The CONSOLE frame is read back from the other end of a socketpair; then it prints, on a
 * copy of the original stdout (the operation makes the pty the stdio), the status and what the operation did here.
 */
#include "rootfs_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 2;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *plan = malloc(size ? (size_t)size : 1);
    if (!plan || fread(plan, 1, (size_t)size, f) != (size_t)size)
        return 2;
    fclose(f);
    int sync_number = atoi(argv[2]);
    if (strcmp(argv[3], "ns") == 0 && unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
        fprintf(stderr, "unshare: %s\n", strerror(errno));
        return 3;
    }
    int out = dup(1);
    FILE *report = out < 0 ? NULL : fdopen(out, "w");
    int pair[2];
    if (!report || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0 || dup2(pair[0], sync_number) < 0)
        return 4;
    close(pair[0]);

    struct jaula_rootfs_status s;
    memset(&s, 0, sizeof(s));
    s.root_fd = s.null_fd = s.fd_a = s.fd_b = -1;
    s.failed_op = s.warn_op = -1;
    int rc = jaula_rootfs_run(plan, (uint32_t)size, &s);
    fprintf(report, "rc=%d failed=%d err=%d step=%u next=%u\n", rc, s.failed_op, s.err, s.step, s.next_op);
    close(sync_number);

    /* The frame, if one came: its header and the descriptor on it. */
    uint32_t header[2] = {0, 0};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = header, .iov_len = sizeof(header)};
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    ssize_t n = recvmsg(pair[1], &msg, MSG_CMSG_CLOEXEC);
    int master = -1;
    struct cmsghdr *cmsg = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
    if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
        memcpy(&master, CMSG_DATA(cmsg), sizeof(int));
    char more;
    ssize_t rest = recv(pair[1], &more, 1, MSG_DONTWAIT); /* nothing else: 0 (end of file) */
    fprintf(report, "frame=%zd type=%u len=%u fd=%s rest=%zd\n", n, header[0], header[1], master >= 0 ? "yes" : "no", rest);
    if (rc != 0) {
        fclose(report);
        free(plan);
        return 0;
    }

    /* The master's pty is the one on 0, 1 and 2, and the session's controlling terminal. */
    unsigned pts = 0;
    int same = 1;
    struct stat st0, st;
    if (master < 0 || ioctl(master, TIOCGPTN, &pts) < 0 || fstat(0, &st0) < 0)
        same = 0;
    for (int fd = 1; fd <= 2 && same; fd++)
        same = fstat(fd, &st) == 0 && st.st_rdev == st0.st_rdev;
    char name[64];
    snprintf(name, sizeof(name), "/dev/pts/%u", pts);
    const char *tty = ttyname(0);
    struct winsize ws;
    memset(&ws, 0, sizeof(ws));
    ioctl(0, TIOCGWINSZ, &ws);
    fprintf(report, "stdio=%s same=%d session=%s ctty=%s winsize=%ux%u\n", tty && strcmp(tty, name) == 0 ? "peer" : "other", same,
            getsid(0) == getpid() ? "own" : "other", tcgetsid(0) == getpid() ? "own" : "other", ws.ws_row, ws.ws_col);
    /* The console target is the peer now (the bind is by fd). */
    fprintf(report, "console=%s\n", stat(argv[4], &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == st0.st_rdev ? "peer" : "other");
    fclose(report);
    free(plan);
    return 0;
}
