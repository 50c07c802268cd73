/* Test driver for FinalPhasePlanTests: decodes the plan in argv[1] with final_phase.c's decoder and prints it. */
#include "final_phase.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 2;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *plan = aligned_alloc(8, ((size_t)size + 15) / 8 * 8); /* 8-aligned, as a pinned byte[] is */
    if (!plan || fread(plan, 1, (size_t)size, f) != (size_t)size)
        return 2;
    fclose(f);
    const char *scratch[64];
    struct jaula_final_plan p;
    int rc = jaula_final_decode(plan, (uint32_t)size, scratch, 64, &p);
    printf("rc=%d\n", rc);
    if (rc < 0) {
        free(plan);
        return 0;
    }
    printf("flags=%u uid=%u gid=%u fifo=%d report=%d dir=%d keep=%u personality=%u seccomp=%u\n", p.flags, p.uid, p.gid,
           p.fifo_fd, p.report_fd, p.fd_dir, p.keep_fds_from, p.personality, p.seccomp_flags);
    printf("caps=%llx,%llx,%llx,%llx\n", (unsigned long long)p.effective, (unsigned long long)p.permitted,
           (unsigned long long)p.inheritable, (unsigned long long)p.ambient);
    printf("groups=");
    for (uint32_t i = 0; i < p.n_groups; i++)
        printf("%u,", p.groups[i]);
    printf("\nbpf=%u\npath=%s\nid=%s\n", p.bpf_len, p.path, p.id);
    for (uint32_t i = 0; p.argv[i]; i++)
        printf("argv=%s\n", p.argv[i]);
    for (uint32_t i = 0; p.envp[i]; i++)
        printf("env=%s\n", p.envp[i]);
    free(plan);
    return 0;
}
