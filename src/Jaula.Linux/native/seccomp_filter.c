/* See seccomp_filter.h. */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int add_arches(scmp_filter_ctx ctx, const struct jaula_seccomp_filter *f, int32_t *failed_item)
{
    for (uint32_t i = 0; i < f->n_arches; i++) {
        *failed_item = -2 - (int32_t)i;
        if (!f->arches || !f->arches[i])
            return -EINVAL;
        uint32_t arch = seccomp_arch_resolve_name(f->arches[i]);
        if (arch == 0)
            return -EDOM;
        int rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST) /* the native architecture is always there */
            return rc;
    }
    return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct jaula_seccomp_rule *r)
{
    if (!r->name || r->n_args > JAULA_SECCOMP_MAX_ARGS || (r->n_args > 0 && !r->args))
        return -EINVAL;
    int nr = seccomp_syscall_resolve_name(r->name);
    if (nr == __NR_SCMP_ERROR)
        return 0; /* unknown on this kernel/libseccomp: skipped */
    struct scmp_arg_cmp cmps[JAULA_SECCOMP_MAX_ARGS];
    for (uint32_t i = 0; i < r->n_args; i++) {
        if (r->args[i].index >= JAULA_SECCOMP_MAX_ARGS || r->args[i].op < SCMP_CMP_NE || r->args[i].op > SCMP_CMP_MASKED_EQ)
            return -EINVAL;
        cmps[i].arg = r->args[i].index;
        cmps[i].op = (enum scmp_compare)r->args[i].op;
        cmps[i].datum_a = r->args[i].value;
        cmps[i].datum_b = r->args[i].value_two;
    }
    return seccomp_rule_add_array(ctx, r->action, nr, r->n_args, cmps);
}

/* libseccomp 2.5 exports only to an fd: a memfd, read back into the caller's buffer. */
static int export_bpf(scmp_filter_ctx ctx, uint8_t *out, uint32_t cap)
{
    int fd = (int)syscall(SYS_memfd_create, "jaula-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc == 0) {
        off_t size = lseek(fd, 0, SEEK_END);
        if (size < 0)
            rc = -errno;
        else if (size == 0 || (uint64_t)size > cap || size % sizeof(struct sock_filter) != 0)
            rc = -E2BIG;
        else {
            size_t done = 0;
            while (rc == 0 && done < (size_t)size) {
                ssize_t n = pread(fd, out + done, (size_t)size - done, (off_t)done);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0)
                    rc = n < 0 ? -errno : -EIO;
                else
                    done += (size_t)n;
            }
            if (rc == 0)
                rc = (int)size;
        }
    }
    close(fd);
    return rc;
}

int jaula_seccomp_compile(const struct jaula_seccomp_filter *f, uint8_t *out, uint32_t cap, int32_t *failed_item)
{
    if (!failed_item)
        return -EINVAL;
    *failed_item = -1;
    if (!f || !out || f->n_arches > JAULA_SECCOMP_MAX_ARCHES || f->n_rules > JAULA_SECCOMP_MAX_RULES
        || (f->n_rules > 0 && !f->rules))
        return -EINVAL;
    scmp_filter_ctx ctx = seccomp_init(f->default_action);
    if (!ctx)
        return -EINVAL;
    int rc = add_arches(ctx, f, failed_item);
    for (uint32_t i = 0; rc == 0 && i < f->n_rules; i++) {
        *failed_item = (int32_t)i;
        rc = add_rule(ctx, &f->rules[i]);
    }
    if (rc == 0) {
        *failed_item = -1;
        rc = export_bpf(ctx, out, cap);
    }
    seccomp_release(ctx);
    return rc;
}

int jaula_seccomp_version(void)
{
    const struct scmp_version *v = seccomp_version();
    return v ? (int)(v->major * 10000 + v->minor * 100 + v->micro) : 0;
}

int jaula_seccomp_syscall_known(const char *name)
{
    return name && seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

int jaula_seccomp_install(const uint8_t *bpf, uint32_t len, uint32_t flags)
{
    if (!bpf || len == 0 || len > JAULA_SECCOMP_MAX_BPF || len % sizeof(struct sock_filter) != 0)
        return -EINVAL;
    struct sock_fprog prog = {
        .len = (unsigned short)(len / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)(uintptr_t)bpf,
    };
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    return rc < 0 ? -errno : (int)rc;
}
