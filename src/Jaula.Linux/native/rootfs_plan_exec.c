/*
 * See rootfs_plan.h: runs a rootfs plan that decoded as a whole. Rules for this file: system calls only, no malloc,
 * no stdio, no decision (C# made them all): every path inside the rootfs is opened beneath the root with openat2
 * (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so a hostile image's symlinks stay inside it, and mounts target the
 * opened fd through /proc/self/fd, never a path that could be swapped underneath.
 */
#include "rootfs_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef RESOLVE_BENEATH
#define RESOLVE_BENEATH 0x08
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#define PROC_SUPER_MAGIC_ 0x9fa0
#define KEYCTL_JOIN_SESSION_KEYRING_ 1

/* statfs f_flags (ST_*) and the MS_* flags a bind remount must keep (a user namespace cannot clear them). */
#define ST_NOSUID_ 0x2UL
#define ST_NODEV_ 0x4UL
#define ST_NOEXEC_ 0x8UL
#define ST_NOATIME_ 0x400UL
#define ST_NODIRATIME_ 0x800UL
#define ST_RELATIME_ 0x1000UL

struct fail {
    int err;
    uint32_t step;
};

static int failed(struct fail *f, uint32_t step, int err)
{
    f->err = err;
    f->step = step;
    return -1;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static int sys_openat2(int dirfd, const char *path, int flags, uint64_t mode)
{
    struct open_how how;
    memset(&how, 0, sizeof(how));
    how.flags = (uint64_t)(unsigned)flags;
    how.mode = mode;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* "/proc/self/fd/N" into buf (32 bytes). */
static const char *proc_fd(char *buf, int fd)
{
    static const char prefix[] = "/proc/self/fd/";
    char digits[12];
    int n = 0;
    unsigned v = (unsigned)fd;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 11);
    memcpy(buf, prefix, sizeof(prefix) - 1);
    size_t at = sizeof(prefix) - 1;
    while (n)
        buf[at++] = digits[--n];
    buf[at] = 0;
    return buf;
}

/* The path relative to the root, in buf: leading and trailing slashes dropped, "" becomes ".". */
static void relative(char *buf, const char *path)
{
    while (*path == '/')
        path++;
    size_t n = strlen(path); /* < JAULA_ROOTFS_MAX_PATH: checked by the decoder */
    while (n > 0 && path[n - 1] == '/')
        n--;
    if (n == 0) {
        buf[0] = '.';
        buf[1] = 0;
        return;
    }
    memcpy(buf, path, n);
    buf[n] = 0;
}

#define PATH_FLAGS (O_PATH | O_CLOEXEC)

/* Opens path (O_PATH) beneath root, creating it and every missing parent as directories. */
static int mkdir_all(int root, const char *path, struct fail *f)
{
    char buf[JAULA_ROOTFS_MAX_PATH];
    relative(buf, path);
    int current = sys_openat2(root, ".", PATH_FLAGS | O_DIRECTORY, 0);
    if (current < 0)
        return failed(f, JAULA_STEP_OPENAT2, errno);
    size_t len = strlen(buf);
    size_t start = 0;
    while (start < len) {
        size_t end = start;
        while (end < len && buf[end] != '/')
            end++;
        if (end == start || (end - start == 1 && buf[start] == '.')) {
            start = end + 1;
            continue;
        }
        char saved = buf[end];
        buf[end] = 0; /* buf is now the prefix, buf + start the component */
        int next = sys_openat2(root, buf, PATH_FLAGS | O_DIRECTORY, 0);
        if (next < 0 && errno == ENOENT) {
            /* current is the resolved parent, so the new directory lands inside the root */
            if (mkdirat(current, buf + start, 0755) < 0 && errno != EEXIST) {
                int e = errno;
                close(current);
                return failed(f, JAULA_STEP_MKDIRAT, e);
            }
            next = sys_openat2(root, buf, PATH_FLAGS | O_DIRECTORY, 0);
            if (next < 0 && errno == ENOENT) {
                close(current);
                return failed(f, JAULA_STEP_MISSING_PARENT, ENOENT);
            }
        }
        if (next < 0) {
            int e = errno;
            close(current);
            return failed(f, JAULA_STEP_OPENAT2, e);
        }
        close(current);
        current = next;
        buf[end] = saved;
        start = end + 1;
    }
    return current;
}

/* Opens an existing path (O_PATH) beneath root; -2 with f untouched when it does not exist and absent_ok. */
static int open_existing(int root, const char *path, int absent_ok, struct fail *f)
{
    char buf[JAULA_ROOTFS_MAX_PATH];
    relative(buf, path);
    int fd = sys_openat2(root, buf, PATH_FLAGS, 0);
    if (fd < 0) {
        if (errno == ENOENT && absent_ok)
            return -2;
        return failed(f, JAULA_STEP_OPENAT2, errno);
    }
    return fd;
}

/* The parent directory of path, opened (created if missing), and its last component in name. */
static int open_parent(int root, const char *path, char *name, struct fail *f)
{
    char buf[JAULA_ROOTFS_MAX_PATH];
    relative(buf, path);
    char *slash = strrchr(buf, '/');
    const char *last = slash ? slash + 1 : buf;
    size_t n = strlen(last);
    memcpy(name, last, n + 1);
    if (slash)
        *slash = 0;
    else
        buf[0] = '.', buf[1] = 0;
    return mkdir_all(root, buf, f);
}

/* An existing file, or an empty regular file (0644) created with its parents: a bind target for a file. */
static int open_file(int root, const char *path, struct fail *f)
{
    int fd = open_existing(root, path, 1, f);
    if (fd != -2)
        return fd;
    char name[JAULA_ROOTFS_MAX_PATH];
    int dir = open_parent(root, path, name, f);
    if (dir < 0)
        return -1;
    close(dir);
    char buf[JAULA_ROOTFS_MAX_PATH];
    relative(buf, path);
    int created = sys_openat2(root, buf, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    if (created < 0)
        return failed(f, JAULA_STEP_OPENAT2, errno);
    close(created);
    return open_existing(root, path, 0, f);
}

static int resolve(int root, const struct jaula_rootfs_op *op, struct fail *f)
{
    switch (op->flags & JAULA_OPF_RESOLVE_MASK) {
    case JAULA_OPF_RESOLVE_MKDIR:
        return mkdir_all(root, op->path, f);
    case JAULA_OPF_RESOLVE_FILE:
        return open_file(root, op->path, f);
    default:
        return open_existing(root, op->path, 0, f);
    }
}

/* The flags a bind remount of fd must keep. */
static int locked_flags(int fd, unsigned long *out, struct fail *f)
{
    struct statfs st;
    if (fstatfs(fd, &st) < 0)
        return failed(f, JAULA_STEP_STATFS, errno);
    unsigned long s = (unsigned long)st.f_flags, m = 0;
    if (s & ST_NOSUID_)
        m |= MS_NOSUID;
    if (s & ST_NODEV_)
        m |= MS_NODEV;
    if (s & ST_NOEXEC_)
        m |= MS_NOEXEC;
    if (s & ST_NOATIME_)
        m |= MS_NOATIME;
    if (s & ST_NODIRATIME_)
        m |= MS_NODIRATIME;
    if (s & ST_RELATIME_)
        m |= MS_RELATIME;
    *out = m;
    return 0;
}

/* ELOOP when path's last component is a symlink (its parents resolved in the root); absent is fine. */
static int refuse_symlink(int root, const char *path, struct fail *f)
{
    char buf[JAULA_ROOTFS_MAX_PATH];
    relative(buf, path);
    int fd = sys_openat2(root, buf, PATH_FLAGS | O_NOFOLLOW, 0);
    if (fd < 0)
        return errno == ENOENT ? 0 : failed(f, JAULA_STEP_OPENAT2, errno);
    struct stat st;
    int rc = fstat(fd, &st);
    int e = errno;
    close(fd);
    if (rc < 0)
        return failed(f, JAULA_STEP_FSTAT, e);
    return S_ISLNK(st.st_mode) ? failed(f, JAULA_STEP_SYMLINK_TARGET, ELOOP) : 0;
}

/* JAULA_OP_MOUNT. Returns 0, -1 (failed), or 1 for a copy-up pause (fds in *below / *top). */
static int op_mount(int root, const struct jaula_rootfs_op *op, struct fail *f, int *below, int *top)
{
    if ((op->flags & JAULA_OPF_NOT_SYMLINK) && refuse_symlink(root, op->path, f) < 0)
        return -1;
    int target = resolve(root, op, f);
    if (target < 0)
        return -1;
    unsigned long flags = (unsigned long)op->mount_flags;
    if (op->flags & JAULA_OPF_KEEP_LOCKED) {
        unsigned long locked;
        if (locked_flags(target, &locked, f) < 0) {
            close(target);
            return -1;
        }
        flags |= locked;
    }
    char tpath[32], spath[32];
    const char *source = (op->flags & JAULA_OPF_SOURCE_SELF) ? proc_fd(spath, target) : op->source;
    if (mount(source, proc_fd(tpath, target), op->fstype, flags, op->data) < 0) {
        int e = errno;
        close(target);
        return failed(f, JAULA_STEP_MOUNT, e);
    }
    if (op->flags & JAULA_OPF_COPY_UP) {
        int onto = open_existing(root, op->path, 0, f);
        if (onto < 0) {
            close(target);
            return -1;
        }
        *below = target;
        *top = onto;
        return 1;
    }
    close(target);
    return 0;
}

static int op_move_mount(int root, const struct jaula_rootfs_op *op, struct fail *f)
{
    int target = resolve(root, op, f);
    if (target < 0)
        return -1;
    int rc = (int)syscall(SYS_move_mount, op->fd, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    int e = errno;
    close(target);
    return rc < 0 ? failed(f, JAULA_STEP_MOVE_MOUNT, e) : 0;
}

static int op_setattr(int root, const struct jaula_rootfs_op *op, struct fail *f)
{
    int target = resolve(root, op, f);
    if (target < 0)
        return -1;
    struct mount_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.attr_set = op->attr_set;
    attr.attr_clr = op->attr_clr;
    int rc = (int)syscall(SYS_mount_setattr, target, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
    int e = errno;
    close(target);
    return rc < 0 ? failed(f, JAULA_STEP_MOUNT_SETATTR, e) : 0;
}

/* Removes what an image left at dir/name (a placeholder node or link): the configured one wins. */
static int clear_entry(int dir, const char *name, struct fail *f)
{
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : failed(f, JAULA_STEP_FSTAT, errno);
    return unlinkat(dir, name, 0) < 0 ? failed(f, JAULA_STEP_UNLINK, errno) : 0;
}

static int op_mknod(int root, const struct jaula_rootfs_op *op, struct fail *f)
{
    char name[JAULA_ROOTFS_MAX_PATH];
    int dir = open_parent(root, op->path, name, f);
    if (dir < 0)
        return -1;
    int rc = clear_entry(dir, name, f);
    if (rc == 0 && mknodat(dir, name, (mode_t)op->mode, (dev_t)op->dev) < 0)
        rc = failed(f, JAULA_STEP_MKNOD, errno);
    if (rc == 0 && fchownat(dir, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW) < 0)
        rc = failed(f, JAULA_STEP_CHOWN, errno);
    if (rc == 0 && fchmodat(dir, name, (mode_t)(op->mode & 07777), 0) < 0) /* mknod applied the umask */
        rc = failed(f, JAULA_STEP_CHMOD, errno);
    close(dir);
    return rc;
}

static int op_symlink(int root, const struct jaula_rootfs_op *op, struct fail *f)
{
    char name[JAULA_ROOTFS_MAX_PATH];
    int dir = open_parent(root, op->path, name, f);
    if (dir < 0)
        return -1;
    int rc = clear_entry(dir, name, f);
    if (rc == 0 && symlinkat(op->source, dir, name) < 0)
        rc = failed(f, JAULA_STEP_SYMLINK, errno);
    close(dir);
    return rc;
}

/* pivot_root(".", ".") stacks the old root on the new one; it turns slave (no propagation to the host) and goes. */
static int op_pivot(const char *path, struct fail *f)
{
    int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_root < 0)
        return failed(f, JAULA_STEP_OPEN, errno);
    int new_root = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (new_root < 0) {
        int e = errno;
        close(old_root);
        return failed(f, JAULA_STEP_OPEN, e);
    }
    int rc = 0;
    if (fchdir(new_root) < 0)
        rc = failed(f, JAULA_STEP_CHDIR, errno);
    else if (syscall(SYS_pivot_root, ".", ".") < 0)
        rc = failed(f, JAULA_STEP_PIVOT_ROOT, errno);
    else if (fchdir(old_root) < 0)
        rc = failed(f, JAULA_STEP_CHDIR, errno);
    else if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        rc = failed(f, JAULA_STEP_MOUNT, errno);
    else if (umount2(".", MNT_DETACH) < 0)
        rc = failed(f, JAULA_STEP_UMOUNT, errno);
    else if (chdir("/") < 0)
        rc = failed(f, JAULA_STEP_CHDIR, errno);
    close(old_root);
    close(new_root);
    return rc;
}

static int op_chroot(const char *path, int move, struct fail *f)
{
    if (chdir(path) < 0)
        return failed(f, JAULA_STEP_CHDIR, errno);
    if (move && mount(path, "/", NULL, MS_MOVE, NULL) < 0)
        return failed(f, JAULA_STEP_MOUNT, errno);
    if (chroot(".") < 0)
        return failed(f, JAULA_STEP_CHROOT, errno);
    return chdir("/") < 0 ? failed(f, JAULA_STEP_CHDIR, errno) : 0;
}

/* CVE-2025-31133: what covers masked files is the container's /dev/null, opened in the root and checked to be 1:3. */
static int op_open_null(int root, int *null_fd, struct fail *f)
{
    int fd = open_existing(root, "/dev/null", 1, f);
    if (fd == -2)
        return failed(f, JAULA_STEP_NO_NULL, ENOENT);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return failed(f, JAULA_STEP_FSTAT, e);
    }
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3) {
        close(fd);
        return failed(f, JAULA_STEP_NOT_NULL, ENOTTY);
    }
    close_fd(null_fd);
    *null_fd = fd;
    return 0;
}

static int op_mask(int root, int null_fd, const struct jaula_rootfs_op *op, struct fail *f)
{
    int target = open_existing(root, op->path, 1, f);
    if (target == -2)
        return 0;
    if (target < 0)
        return -1;
    struct stat st;
    char tpath[32], npath[32];
    int rc = 0;
    if (fstat(target, &st) < 0)
        rc = failed(f, JAULA_STEP_FSTAT, errno);
    else if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", proc_fd(tpath, target), "tmpfs", MS_RDONLY, NULL) < 0)
            rc = failed(f, JAULA_STEP_MOUNT, errno);
    } else if (null_fd < 0) {
        rc = failed(f, JAULA_STEP_NO_NULL, ENOENT);
    } else if (mount(proc_fd(npath, null_fd), proc_fd(tpath, target), NULL, MS_BIND, NULL) < 0) {
        rc = failed(f, JAULA_STEP_MOUNT, errno);
    }
    close(target);
    return rc;
}

static int op_readonly(int root, const struct jaula_rootfs_op *op, struct fail *f)
{
    int target = open_existing(root, op->path, 1, f);
    if (target == -2)
        return 0;
    if (target < 0)
        return -1;
    char tpath[32];
    proc_fd(tpath, target);
    int rc = mount(tpath, tpath, NULL, MS_BIND | MS_REC, NULL);
    int e = errno;
    close(target);
    if (rc < 0)
        return failed(f, JAULA_STEP_MOUNT, e);
    /* Reopened: the first fd names the file under the new bind. */
    target = open_existing(root, op->path, 0, f);
    if (target < 0)
        return -1;
    unsigned long kept;
    rc = locked_flags(target, &kept, f);
    if (rc == 0 && mount(NULL, proc_fd(tpath, target), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept, NULL) < 0)
        rc = failed(f, JAULA_STEP_MOUNT, errno);
    close(target);
    return rc;
}

/* "<pid>/" + rel into buf (JAULA_ROOTFS_MAX_PATH + 16 bytes): /proc/self is a symlink, which PROC_WRITE refuses. */
static void proc_self_path(char *buf, const char *rel)
{
    char digits[12];
    int n = 0;
    unsigned v = (unsigned)getpid();
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 11);
    size_t at = 0;
    while (n)
        buf[at++] = digits[--n];
    buf[at++] = '/';
    size_t len = strlen(rel); /* < JAULA_ROOTFS_MAX_PATH: checked by the decoder */
    memcpy(buf + at, rel, len + 1);
}

static int is_procfs(int fd_or_neg, struct fail *f)
{
    struct statfs st;
    if (fd_or_neg < 0 ? statfs("/proc", &st) < 0 : fstatfs(fd_or_neg, &st) < 0)
        return fd_or_neg < 0 ? 0 : failed(f, JAULA_STEP_STATFS, errno);
    return st.f_type == PROC_SUPER_MAGIC_;
}

/* CVE-2025-52881 / CVE-2019-16884: the write reaches procfs itself, never a file mounted or linked over it. */
static int op_proc_write(const struct jaula_rootfs_op *op, struct fail *f)
{
    char path[JAULA_ROOTFS_MAX_PATH + 16];
    if (op->flags & JAULA_OPF_PROC_SELF)
        proc_self_path(path, op->path);
    else
        memcpy(path, op->path, strlen(op->path) + 1);
    int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0)
        return failed(f, JAULA_STEP_OPEN, errno);
    int magic = is_procfs(proc, f);
    if (magic <= 0) {
        close(proc);
        return magic < 0 ? -1 : failed(f, JAULA_STEP_NOT_PROCFS, EXDEV);
    }
    struct open_how how;
    memset(&how, 0, sizeof(how));
    how.flags = O_WRONLY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int fd, attempts = 0;
    do /* EAGAIN: a rename or mount raced the lookup; retried a bounded number of times, as Sys.OpenAt2 does */
        fd = (int)syscall(SYS_openat2, proc, path, &how, sizeof(how));
    while (fd < 0 && (errno == EINTR || (errno == EAGAIN && ++attempts < 64)));
    int e = errno;
    close(proc);
    if (fd < 0)
        return failed(f, JAULA_STEP_OPENAT2, e);
    size_t left = strlen(op->data), at = 0;
    int rc = 0;
    while (left > 0) {
        ssize_t n = write(fd, op->data + at, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = failed(f, JAULA_STEP_WRITE, n < 0 ? errno : EIO);
            break;
        }
        at += (size_t)n;
        left -= (size_t)n;
    }
    close(fd);
    return rc;
}

/* chdir, then CVE-2024-21626: a cwd reached through a descriptor outside the root makes getcwd fail with ENOENT
 * (the kernel's "(unreachable)" path does not start with '/'). */
static int op_chdir(const char *path, struct fail *f)
{
    if (chdir(path) < 0)
        return failed(f, JAULA_STEP_CHDIR, errno);
    char where[JAULA_ROOTFS_MAX_PATH + 1];
    if (syscall(SYS_getcwd, where, sizeof(where)) < 0)
        return errno == ENOENT ? failed(f, JAULA_STEP_OUTSIDE_ROOT, ENOENT) : failed(f, JAULA_STEP_GETCWD, errno);
    return where[0] == '/' ? 0 : failed(f, JAULA_STEP_OUTSIDE_ROOT, ENOENT);
}

/* An empty CONSOLE frame with fd on its first byte; the rest of the header as plain data if the kernel took less. */
static int send_console(int sync_fd, int fd, struct fail *f)
{
    uint32_t header[2] = {JAULA_FRAME_CONSOLE, 0};
    struct iovec iov = {.iov_base = header, .iov_len = sizeof(header)};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    ssize_t n;
    do
        n = sendmsg(sync_fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return failed(f, JAULA_STEP_SEND_CONSOLE, n < 0 ? errno : EIO);
    size_t at = (size_t)n;
    while (at < sizeof(header)) {
        ssize_t w = send(sync_fd, (const char *)header + at, sizeof(header) - at, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return failed(f, JAULA_STEP_SEND_CONSOLE, w < 0 ? errno : EIO);
        at += (size_t)w;
    }
    return 0;
}

/* The peer becomes the session's controlling terminal, stdio and /dev/console; the master goes to the parent. */
static int console_attach(int root, const struct jaula_rootfs_op *op, int master, int *peer, struct fail *f)
{
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        return failed(f, JAULA_STEP_UNLOCK_PTY, errno);
    *peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*peer < 0)
        return failed(f, JAULA_STEP_PTY_PEER, errno);
    if (op->flags & JAULA_OPF_CONSOLE_SIZE) {
        struct winsize size;
        memset(&size, 0, sizeof(size));
        size.ws_row = (unsigned short)op->uid; /* <= 0xFFFF: checked by the decoder */
        size.ws_col = (unsigned short)op->gid;
        if (ioctl(*peer, TIOCSWINSZ, &size) < 0)
            return failed(f, JAULA_STEP_WINSIZE, errno);
    }
    if (setsid() < 0)
        return failed(f, JAULA_STEP_SETSID, errno);
    if (ioctl(*peer, TIOCSCTTY, 0) < 0)
        return failed(f, JAULA_STEP_CTTY, errno);
    for (int stdio = 0; stdio <= 2; stdio++) {
        if (dup2(*peer, stdio) < 0)
            return failed(f, JAULA_STEP_DUP2, errno);
    }
    /* CVE-2025-52565: the target opened in the root without leaving it, the peer bound by fd, no path to swap. */
    int target = open_file(root, op->path, f);
    if (target < 0)
        return -1;
    char ppath[32], tpath[32];
    int rc = mount(proc_fd(ppath, *peer), proc_fd(tpath, target), NULL, MS_BIND, NULL);
    int e = errno;
    close(target);
    if (rc < 0)
        return failed(f, JAULA_STEP_MOUNT, e);
    return send_console(op->fd, master, f);
}

/* JAULA_OP_CONSOLE (rootfs_plan.h): the container's ptmx, never the host's. */
static int op_console(int root, const struct jaula_rootfs_op *op, struct fail *f)
{
    char buf[JAULA_ROOTFS_MAX_PATH];
    relative(buf, op->source);
    int master = sys_openat2(root, buf, O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
    if (master < 0)
        return failed(f, JAULA_STEP_OPEN_PTMX, errno);
    int peer = -1;
    int rc = console_attach(root, op, master, &peer, f);
    close_fd(&peer);
    close(master);
    return rc;
}

/* Whether errno e is in the op's tolerated set (attr_set: 0-63, attr_clr: 64-127). */
static int tolerated(const struct jaula_rootfs_op *op, int e)
{
    if (!(op->flags & JAULA_OPF_TOLERATE) || e < 0 || e > 127)
        return 0;
    return e < 64 ? (int)((op->attr_set >> e) & 1) : (int)((op->attr_clr >> (e - 64)) & 1);
}

/* The process operations (16-25): none works beneath the root fd (CONSOLE, 26, does: op_console). */
static int run_process_op(const struct jaula_rootfs_op *op, struct fail *f)
{
    switch (op->kind) {
    case JAULA_OP_SETSID:
        return setsid() < 0 ? failed(f, JAULA_STEP_SETSID, errno) : 0;
    case JAULA_OP_HOSTNAME:
        return sethostname(op->path, strlen(op->path)) < 0 ? failed(f, JAULA_STEP_SETHOSTNAME, errno) : 0;
    case JAULA_OP_DOMAINNAME:
        return setdomainname(op->path, strlen(op->path)) < 0 ? failed(f, JAULA_STEP_SETDOMAINNAME, errno) : 0;
    case JAULA_OP_REQUIRE_PROCFS:
        return is_procfs(-1, f) ? 0 : failed(f, JAULA_STEP_NOT_PROCFS, EXDEV);
    case JAULA_OP_PROC_WRITE:
        return op_proc_write(op, f);
    case JAULA_OP_KEYRING:
        return syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING_, op->path) < 0 ? failed(f, JAULA_STEP_KEYCTL, errno) : 0;
    case JAULA_OP_RLIMIT: {
        struct rlimit64 limit = {.rlim_cur = op->mount_flags, .rlim_max = op->dev};
        return prlimit64(0, (enum __rlimit_resource)op->arg, &limit, NULL) < 0 ? failed(f, JAULA_STEP_PRLIMIT, errno) : 0;
    }
    case JAULA_OP_CAPBSET_DROP:
        return prctl(PR_CAPBSET_DROP, (unsigned long)op->arg, 0, 0, 0) < 0 ? failed(f, JAULA_STEP_CAPBSET_DROP, errno) : 0;
    case JAULA_OP_CHDIR:
        return op_chdir(op->path, f);
    case JAULA_OP_UMASK:
        umask((mode_t)op->mode);
        return 0;
    default:
        return failed(f, JAULA_STEP_NONE, EINVAL);
    }
}

static int op_root(const char *path, int *root_fd, struct fail *f)
{
    int fd = open(path, O_DIRECTORY | O_PATH | O_CLOEXEC);
    if (fd < 0)
        return failed(f, JAULA_STEP_OPEN, errno);
    close_fd(root_fd);
    *root_fd = fd;
    return 0;
}

static int finish(struct jaula_rootfs_status *s, int rc)
{
    close_fd(&s->root_fd);
    close_fd(&s->null_fd);
    return rc;
}

uint64_t *jaula_rootfs_op_ns;

uint64_t jaula_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000U + (uint64_t)t.tv_nsec;
}

int jaula_rootfs_run(const uint8_t *plan, uint32_t len, struct jaula_rootfs_status *s)
{
    if (!s)
        return -EINVAL;
    int count = jaula_rootfs_decode(plan, len, NULL, 0);
    if (count < 0)
        return finish(s, count); /* a resumed run holds the root and /dev/null fds: closed on every return */
    if (s->next_op > (uint32_t)count)
        return finish(s, -EINVAL);
    s->failed_op = -1;
    s->err = 0;
    s->step = JAULA_STEP_NONE;
    s->pause = 0;
    s->fd_a = s->fd_b = -1;
    s->warn_op = -1;
    s->warn_err = 0;
    s->warn_step = JAULA_STEP_NONE;
    uint32_t pos = JAULA_ROOTFS_HEADER;
    uint32_t skip_to = s->next_op;
    for (uint32_t i = 0; i < (uint32_t)count; i++) {
        struct jaula_rootfs_op op;
        if (jaula_rootfs_decode_op(plan, len, &pos, &op) < 0)
            return finish(s, -EINVAL); /* cannot happen: the whole plan decoded above */
        if (i < skip_to)
            continue;
        struct fail f = {0, JAULA_STEP_NONE};
        int rc = 0;
        uint64_t started = jaula_rootfs_op_ns ? jaula_now_ns() : 0;
        int needs_root = op.kind == JAULA_OP_MOUNT || op.kind == JAULA_OP_MOVE_MOUNT || op.kind == JAULA_OP_SETATTR
            || op.kind == JAULA_OP_MKNOD || op.kind == JAULA_OP_SYMLINK || op.kind == JAULA_OP_MKDIR
            || op.kind == JAULA_OP_OPEN_NULL || op.kind == JAULA_OP_MASK || op.kind == JAULA_OP_READONLY
            || op.kind == JAULA_OP_CONSOLE;
        if (needs_root && s->root_fd < 0) {
            rc = failed(&f, JAULA_STEP_OPEN, EBADF);
        } else {
            switch (op.kind) {
            case JAULA_OP_MOUNT_HOST:
                if (mount(op.source, op.path, op.fstype, (unsigned long)op.mount_flags, op.data) < 0)
                    rc = failed(&f, JAULA_STEP_MOUNT, errno);
                break;
            case JAULA_OP_ROOT:
                rc = op_root(op.path, &s->root_fd, &f);
                break;
            case JAULA_OP_MOUNT: {
                int below = -1, top = -1;
                rc = op_mount(s->root_fd, &op, &f, &below, &top);
                if (rc == 1) {
                    s->fd_a = below;
                    s->fd_b = top;
                    s->pause = JAULA_PAUSE_COPY_UP;
                    s->next_op = i + 1;
                    return 1;
                }
                if (op.flags & JAULA_OPF_ALT_ON_EPERM) {
                    if (rc == 0) {
                        skip_to = i + 1 + op.skip; /* the fallback is not needed */
                    } else if (f.err == EPERM && f.step == JAULA_STEP_MOUNT) {
                        rc = 0; /* run the fallback: the next skip operations */
                    }
                }
                break;
            }
            case JAULA_OP_MOVE_MOUNT:
                rc = op_move_mount(s->root_fd, &op, &f);
                break;
            case JAULA_OP_SETATTR:
                rc = op_setattr(s->root_fd, &op, &f);
                break;
            case JAULA_OP_MKNOD:
                rc = op_mknod(s->root_fd, &op, &f);
                break;
            case JAULA_OP_SYMLINK:
                rc = op_symlink(s->root_fd, &op, &f);
                break;
            case JAULA_OP_MKDIR: {
                int fd = mkdir_all(s->root_fd, op.path, &f);
                if (fd >= 0)
                    close(fd);
                rc = fd < 0 ? -1 : 0;
                break;
            }
            case JAULA_OP_PIVOT:
                close_fd(&s->root_fd); /* the old root's fd means nothing after the pivot */
                rc = op_pivot(op.path, &f);
                break;
            case JAULA_OP_MOVE_CHROOT:
            case JAULA_OP_CHROOT:
                close_fd(&s->root_fd);
                rc = op_chroot(op.path, op.kind == JAULA_OP_MOVE_CHROOT, &f);
                break;
            case JAULA_OP_OPEN_NULL:
                rc = op_open_null(s->root_fd, &s->null_fd, &f);
                break;
            case JAULA_OP_MASK:
                rc = op_mask(s->root_fd, s->null_fd, &op, &f);
                break;
            case JAULA_OP_READONLY:
                rc = op_readonly(s->root_fd, &op, &f);
                break;
            case JAULA_OP_CONSOLE:
                rc = op_console(s->root_fd, &op, &f);
                break;
            case JAULA_OP_PAUSE:
                s->pause = op.arg;
                s->next_op = i + 1;
                return 1;
            case JAULA_OP_SETSID:
            case JAULA_OP_HOSTNAME:
            case JAULA_OP_DOMAINNAME:
            case JAULA_OP_REQUIRE_PROCFS:
            case JAULA_OP_PROC_WRITE:
            case JAULA_OP_KEYRING:
            case JAULA_OP_RLIMIT:
            case JAULA_OP_CAPBSET_DROP:
            case JAULA_OP_CHDIR:
            case JAULA_OP_UMASK:
                rc = run_process_op(&op, &f);
                if (rc < 0 && tolerated(&op, f.err)) {
                    if ((op.flags & JAULA_OPF_WARN) && s->warn_op < 0) {
                        s->warn_op = (int32_t)i;
                        s->warn_err = f.err;
                        s->warn_step = f.step;
                    }
                    rc = 0;
                }
                break;
            default:
                rc = failed(&f, JAULA_STEP_NONE, EINVAL);
                break;
            }
        }
        if (jaula_rootfs_op_ns && op.kind <= JAULA_OP_LAST)
            jaula_rootfs_op_ns[op.kind] += jaula_now_ns() - started;
        if (rc < 0) {
            s->failed_op = (int32_t)i;
            s->err = f.err;
            s->step = f.step;
            s->next_op = i;
            return finish(s, -1);
        }
    }
    s->next_op = (uint32_t)count;
    return finish(s, 0);
}
