/*
 * Test driver for CInitProgramTests: decodes the init program in argv[1] with c_init_decode.c (which checks the
 * rootfs and final-phase plans inside it with their own decoders) with the sync fd in argv[2] (default 3) and prints it; `--marker a b c [-- env...]` prints
 * what jaula_c_init_marker makes of that argv and environment.
 */
#include "c_init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int marker(int argc, char **argv)
{
    int claimed = -1; /* --argc N: the argc the constructor is given, whatever the words */
    if (argc >= 2 && strcmp(argv[0], "--argc") == 0) {
        claimed = atoi(argv[1]);
        argc -= 2;
        argv += 2;
    }
    int split = argc;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            split = i;
            break;
        }
    }
    char *envp[16] = {0};
    for (int i = split + 1, k = 0; i < argc && k < 15; i++, k++)
        envp[k] = argv[i];
    argv[split] = NULL;
    printf("marker=%d\n", jaula_c_init_marker(claimed >= 0 ? claimed : split, argv, envp));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--marker") == 0)
        return marker(argc - 2, argv + 2);
    if (argc != 2 && argc != 3)
        return 2;
    int sync_fd = argc == 3 ? atoi(argv[2]) : 3; /* the init's sync socket, as the marker gives it */
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 2;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = aligned_alloc(8, ((size_t)size + 15) / 8 * 8);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
        return 2;
    fclose(f);
    const char *scratch[64];
    struct jaula_init_program p;
    struct jaula_final_plan fp;
    int rc = jaula_init_decode(buf, (uint32_t)size, sync_fd, scratch, 64, &p, &fp);
    printf("rc=%d\n", rc);
    if (rc == 0) {
        printf("flags=%u home_uid=%u\n", p.flags, p.home_uid);
        printf("cwd=%s\nname=%s\nsearch=%s\n", p.cwd, p.name, p.search_path);
        printf("rootfs=%u final=%u\n", p.rootfs_len, p.final_len);
        printf("final: uid=%u fifo=%d report=%d path=%s id=%s argc=%u envc=%u\n", fp.uid, fp.fifo_fd, fp.report_fd, fp.path, fp.id,
               fp.argc, fp.envc);
        printf("hooks=%u create=%u create_state=%s start_state=%s\n", p.n_hooks, p.n_create, p.create_state ? p.create_state : "-",
               p.start_state ? p.start_state : "-");
        uint32_t first = jaula_init_hook_scratch(&fp);
        for (uint32_t i = 0; i < p.n_hooks; i++) {
            struct jaula_init_hook h;
            int hr = jaula_init_hook(&p, i, scratch + first, 64 - first, &h);
            printf("hook %u: rc=%d kind=%u index=%u flags=%u timeout=%u path=%s", i, hr, h.kind, h.index, h.flags, h.timeout, h.path);
            for (uint32_t k = 0; k < h.argc; k++)
                printf(" arg=%s", h.argv[k]);
            for (uint32_t k = 0; k < h.envc; k++)
                printf(" env=%s", h.envp[k]);
            printf(" end=%s\n", h.argv[h.argc] == NULL && h.envp[h.envc] == NULL ? "null" : "BAD");
        }
    }
    free(buf);
    return 0;
}
