/* Test driver for RootfsPlanTests: decodes the plan in argv[1] with rootfs_plan_decode.c and prints each operation. */
#include "rootfs_plan.h"

#include <stdio.h>
#include <stdlib.h>

static const char *s(const char *v) { return v ? v : "-"; }

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
    uint8_t *plan = malloc(size ? (size_t)size : 1); /* exact size: ASan sees any read past the end */
    if (!plan || fread(plan, 1, (size_t)size, f) != (size_t)size)
        return 2;
    fclose(f);
    static struct jaula_rootfs_op ops[1024];
    int rc = jaula_rootfs_decode(plan, (uint32_t)size, ops, 1024);
    printf("rc=%d\n", rc);
    for (int i = 0; i < rc; i++) {
        const struct jaula_rootfs_op *o = &ops[i];
        printf("%d: kind=%u flags=%x field=%u/%u mflags=%llx set=%llx clr=%llx dev=%llx mode=%o owner=%u:%u fd=%d skip=%u arg=%u"
               " path=%s source=%s type=%s data=%s\n",
               i, o->kind, o->flags, o->field_kind, o->field_index, (unsigned long long)o->mount_flags,
               (unsigned long long)o->attr_set, (unsigned long long)o->attr_clr, (unsigned long long)o->dev, o->mode, o->uid,
               o->gid, o->fd, o->skip, o->arg, s(o->path), s(o->source), s(o->fstype), s(o->data));
    }
    free(plan);
    return 0;
}
