/*
 * Test driver for ProcessPlanTests: runs the plan in argv[1] with rootfs_plan_exec.c in this process (argv[2]
 * "leader": first become a process group leader, so setsid fails with EPERM), then prints the status and what the
 * process operations changed here. Only process-local settings are run through it (no hostname, sysctl, keyring).
 */
#include "rootfs_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3)
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
    if (strcmp(argv[2], "leader") == 0 && setpgid(0, 0) < 0)
        return 3;
    struct jaula_rootfs_status s;
    memset(&s, 0, sizeof(s));
    s.root_fd = s.null_fd = s.fd_a = s.fd_b = -1;
    s.failed_op = s.warn_op = -1;
    int rc = jaula_rootfs_run(plan, (uint32_t)size, &s);
    printf("rc=%d failed=%d err=%d step=%u warn=%d/%d/%u next=%u\n", rc, s.failed_op, s.err, s.step, s.warn_op,
           s.warn_err, s.warn_step, s.next_op);
    mode_t mask = umask(0);
    char cwd[4096];
    struct rlimit nofile;
    getrlimit(RLIMIT_NOFILE, &nofile);
    char oom[32] = "";
    FILE *o = fopen("/proc/self/oom_score_adj", "r");
    if (o) {
        if (!fgets(oom, sizeof(oom), o))
            oom[0] = 0;
        fclose(o);
        oom[strcspn(oom, "\n")] = 0;
    }
    printf("umask=%03o cwd=%s nofile=%llu/%llu oom=%s\n", (unsigned)mask, getcwd(cwd, sizeof(cwd)) ? cwd : "?",
           (unsigned long long)nofile.rlim_cur, (unsigned long long)nofile.rlim_max, oom);
    free(plan);
    return 0;
}
