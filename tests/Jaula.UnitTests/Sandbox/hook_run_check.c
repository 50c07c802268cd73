/*
 * Test driver for CInitHookRunTests: runs one hook with native/c_init_hooks.c as the C init does and prints the
 * outcome. Usage:
 *   hook_run_check run TIMEOUT FAIL_POLL PATH [ARG...]   runs PATH (argv PATH ARG...), timeout TIMEOUT s (0: none);
 *                                                       FAIL_POLL 1 makes every poll(2) fail with ENOMEM
 *   hook_run_check path                                  prints its own path
 *   hook_run_check leave-group                           as a hook: leaves its own process group for its parent's
 *                                                       and sleeps 30 s
 * prints "rc=<rc> ms=<elapsed> msg=<message>".
 */
#include "c_init.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int s_fail_poll;

/* Replaces libc's poll for the hook runner: fails on demand, else ppoll. */
int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (s_fail_poll) {
        errno = ENOMEM;
        return -1;
    }
    struct timespec ts, *tp = NULL;
    if (timeout >= 0) {
        ts.tv_sec = timeout / 1000;
        ts.tv_nsec = (long)(timeout % 1000) * 1000000L;
        tp = &ts;
    }
    return ppoll(fds, n, tp, NULL);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "path") == 0) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n < 0)
            return 3;
        self[n] = '\0';
        printf("%s\n", self);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "leave-group") == 0) {
        if (setpgid(0, getpgid(getppid())) < 0)
            return 3;
        sleep(30);
        return 0;
    }
    if (argc < 5 || strcmp(argv[1], "run") != 0)
        return 2;
    static const char *env[] = {NULL};
    static struct jaula_hook_text msg;
    struct jaula_init_hook h = {
        .kind = JAULA_HOOK_CREATE_CONTAINER,
        .index = 0,
        .flags = atoi(argv[2]) > 0 ? JAULA_HOOKF_TIMEOUT : 0,
        .timeout = (uint32_t)atoi(argv[2]),
        .path = argv[4],
        .argc = (uint32_t)(argc - 4),
        .envc = 0,
        .argv = (const char *const *)(argv + 4),
        .envp = env,
    };
    s_fail_poll = atoi(argv[3]);
    long start = now_ms();
    int rc = jaula_run_hook(&h, -1, "{}", &msg);
    printf("rc=%d ms=%ld msg=%s\n", rc, now_ms() - start, msg.buf);
    return 0;
}
