/*
 * The container's rootfs, built from a flat plan: C# (Jaula.Sandbox/Rootfs/Plan) decides every mount, device, link
 * and path; this code checks the whole plan first, then only executes it, and reports the first failure as
 * (operation index, errno, step) for C# to turn into the user's error ("mounts[3]: ...").
 *
 * The encoding is written by RootfsPlan.cs; change both together. All integers little-endian.
 *   u32 magic JAULA_ROOTFS_MAGIC, u32 total length (= the buffer's), u32 op count, u32 0,
 *   then op count operations, each:
 *     u32 kind (JAULA_OP_*), u32 flags (JAULA_OPF_*), u32 field kind, u32 field index,
 *     u64 mount flags, u64 attr set, u64 attr clear, u64 dev,
 *     u32 mode, u32 uid, u32 gid, i32 fd, u32 skip, u32 arg,
 *     string path, string source, string fstype, string data
 *   where a string is u32 length (with its NUL; 0 = absent), then the bytes and the NUL. Nothing may follow.
 * The field kind and index name the config field the operation came from; C never reads them, C# maps a failure
 * back through them (RootfsField in RootfsOperation.cs: 11 hostname, 12 domainname, 13 linux.sysctl["key"] (index:
 * the key's place in linux.sysctl), 14 linux.sysctl (the whole map), 15 process.oomScoreAdj, 16 process.rlimits[i],
 * 17 process.capabilities.bounding, 18 the session keyring (no field), 19 process.user.umask, 20 the session (none),
 * 21 process.terminal).
 *
 * The process operations (16-26; C# compiles them in Jaula.Sandbox/Process/ProcessPlanCompiler.cs) use the fields so:
 *   SETSID          nothing; flags TOLERATE (errno set: EPERM): an init that leads a group already stays where it is
 *   HOSTNAME        path = the name for sethostname
 *   DOMAINNAME      path = the name for setdomainname
 *   REQUIRE_PROCFS  nothing: statfs("/proc") must succeed and say procfs, else step NOT_PROCFS (err EXDEV)
 *   PROC_WRITE      path = the file relative to /proc ("sys/net/ipv4/ip_forward"), data = the bytes to write;
 *                   flag PROC_SELF: path is relative to /proc/<getpid()> ("oom_score_adj"). /proc is opened and must
 *                   be procfs (fstatfs), the file is opened beneath it with openat2 RESOLVE_BENEATH | NO_XDEV |
 *                   NO_SYMLINKS | NO_MAGICLINKS, O_WRONLY, and the data written in full
 *   KEYRING         path = the name of the new session keyring to join (keyctl JOIN_SESSION_KEYRING);
 *                   flags TOLERATE | WARN with the errnos that only warn (ENOSYS, EDQUOT, EACCES)
 *   RLIMIT          arg = the resource, mount_flags = the soft limit, dev = the hard limit: prlimit(0, ...) on self
 *   CAPBSET_DROP    arg = the capability to drop from the bounding set (PR_CAPBSET_DROP)
 *   CHDIR           path = process.cwd: chdir, then getcwd must name a path under the root (CVE-2024-21626),
 *                   else step OUTSIDE_ROOT (err ENOENT)
 *   UMASK           mode = the umask (the plan's last operation)
 *   CONSOLE         process.terminal, what the init did in C# before (needs the root: a ROOT op before it).
 *                   source = the ptmx ("/dev/ptmx"), path = the console ("/dev/console"), fd = the sync socket;
 *                   flag CONSOLE_SIZE: uid = rows, gid = cols (each <= 65535; both 0 without the flag).
 *                   In this order: source opened beneath the root (RESOLVE_IN_ROOT | NO_MAGICLINKS: the container's
 *                   devpts, never the host's), O_RDWR | O_NOCTTY | O_CLOEXEC, and unlocked (TIOCSPTLCK); the peer
 *                   from the master itself (TIOCGPTPEER, no path); with CONSOLE_SIZE the window size set on the
 *                   peer (TIOCSWINSZ); setsid (no errno tolerated); the peer made the controlling terminal
 *                   (TIOCSCTTY) and dup2'd onto 0, 1, 2; path opened beneath the root as RESOLVE_FILE does (created
 *                   empty if missing) and the peer bound on it by fd (CVE-2025-52565); then a CONSOLE frame sent on
 *                   fd (header {JAULA_FRAME_CONSOLE, 0}, the master as SCM_RIGHTS on its first byte). Master and
 *                   peer are closed before the operation returns, also on failure. The sync fd is a field of the
 *                   op, as MOVE_MOUNT's tree fd: the compiler knows the init's number for it (native/stage.h).
 * TOLERATE: a failure whose errno is in the op's errno set does not stop the plan; the set is 128 bits, attr_set
 * holding errnos 0-63 and attr_clr errnos 64-127. With WARN as well the first such failure of a run is reported in
 * the status (warn_op, warn_err, warn_step) for the caller to send as a warning; without WARN it is ignored.
 */
#ifndef JAULA_ROOTFS_PLAN_H
#define JAULA_ROOTFS_PLAN_H

#include <stdint.h>

#define JAULA_ROOTFS_MAGIC 0x3150524AU /* "JRP1" */
#define JAULA_ROOTFS_MAX_PLAN (16U << 20)
#define JAULA_ROOTFS_MAX_OPS 65536U
#define JAULA_ROOTFS_MAX_PATH 4096U /* with the NUL */
#define JAULA_ROOTFS_HEADER 16U
#define JAULA_ROOTFS_OP_FIXED 72U

enum jaula_rootfs_kind {
    JAULA_OP_MOUNT_HOST = 1,  /* mount(source, path, fstype, flags, data) on host paths (before pivot) */
    JAULA_OP_ROOT = 2,        /* path (host) becomes the root every in-root path is resolved beneath */
    JAULA_OP_MOUNT = 3,       /* mount onto path in the root, resolved per JAULA_OPF_RESOLVE_* */
    JAULA_OP_MOVE_MOUNT = 4,  /* move_mount the detached tree fd onto path */
    JAULA_OP_SETATTR = 5,     /* mount_setattr(path, AT_RECURSIVE, attr set, attr clear) */
    JAULA_OP_MKNOD = 6,       /* replace path by a node: mode (type and permissions), dev, uid, gid */
    JAULA_OP_SYMLINK = 7,     /* replace path by a symlink to source */
    JAULA_OP_MKDIR = 8,       /* create path and its missing parents (mode 0755) */
    JAULA_OP_PIVOT = 9,       /* pivot_root into path, detach the old root, chdir / */
    JAULA_OP_MOVE_CHROOT = 10, /* move path over / and chroot into it (--no-pivot) */
    JAULA_OP_CHROOT = 11,     /* chroot into path (no mount namespace of our own) */
    JAULA_OP_OPEN_NULL = 12,  /* open /dev/null in the root, check it is char 1:3, keep it for JAULA_OP_MASK */
    JAULA_OP_MASK = 13,       /* cover path: a directory by a read-only tmpfs, a file by /dev/null; absent: skip */
    JAULA_OP_READONLY = 14,   /* bind path onto itself and remount it read-only; absent: skip */
    JAULA_OP_PAUSE = 15,      /* return to the caller with arg as the reason; the next call resumes after it */
    /* The process's settings (see above for their fields). */
    JAULA_OP_SETSID = 16,
    JAULA_OP_HOSTNAME = 17,
    JAULA_OP_DOMAINNAME = 18,
    JAULA_OP_REQUIRE_PROCFS = 19,
    JAULA_OP_PROC_WRITE = 20,
    JAULA_OP_KEYRING = 21,
    JAULA_OP_RLIMIT = 22,
    JAULA_OP_CAPBSET_DROP = 23,
    JAULA_OP_CHDIR = 24,
    JAULA_OP_UMASK = 25,
    JAULA_OP_CONSOLE = 26,
    JAULA_OP_LAST = 26,
};

/* How JAULA_OP_MOUNT / MOVE_MOUNT / SETATTR reach path (exactly one for them, none for the others). */
#define JAULA_OPF_RESOLVE_EXISTING 0x1U /* open it; ENOENT fails */
#define JAULA_OPF_RESOLVE_MKDIR 0x2U    /* a directory, created with its parents */
#define JAULA_OPF_RESOLVE_FILE 0x4U     /* an existing file, or an empty regular file created with its parents */
#define JAULA_OPF_RESOLVE_MASK 0x7U
#define JAULA_OPF_NOT_SYMLINK 0x8U      /* fail with ELOOP when path's last component is a symlink */
#define JAULA_OPF_KEEP_LOCKED 0x10U     /* or the target's statfs flags (nosuid, nodev, noexec, atime) into the flags */
#define JAULA_OPF_SOURCE_SELF 0x20U     /* the source is the target itself (a bind onto itself) */
#define JAULA_OPF_ALT_ON_EPERM 0x40U    /* on EPERM run the next skip ops (the fallback); on success skip them */
#define JAULA_OPF_COPY_UP 0x80U         /* pause after the mount with fd_a below it and fd_b on top (tmpcopyup) */
#define JAULA_OPF_TOLERATE 0x100U       /* SETSID, KEYRING: an errno in the set (attr_set, attr_clr) does not fail */
#define JAULA_OPF_WARN 0x200U           /* with TOLERATE: report the tolerated failure in the status */
#define JAULA_OPF_PROC_SELF 0x400U      /* PROC_WRITE: path is relative to /proc/<own pid> */
#define JAULA_OPF_CONSOLE_SIZE 0x800U   /* CONSOLE: set the window size (uid rows, gid cols): process.consoleSize */
#define JAULA_OPF_MOUNT_KNOWN 0xFFU
#define JAULA_OPF_KNOWN 0xFFFU

/* Where a failure happened, for the message. */
enum jaula_rootfs_step {
    JAULA_STEP_NONE = 0,
    JAULA_STEP_OPENAT2 = 1,
    JAULA_STEP_MKDIRAT = 2,
    JAULA_STEP_MOUNT = 3,
    JAULA_STEP_MOVE_MOUNT = 4,
    JAULA_STEP_MOUNT_SETATTR = 5,
    JAULA_STEP_MKNOD = 6,
    JAULA_STEP_CHOWN = 7,
    JAULA_STEP_CHMOD = 8,
    JAULA_STEP_UNLINK = 9,
    JAULA_STEP_SYMLINK = 10,
    JAULA_STEP_STATFS = 11,
    JAULA_STEP_FSTAT = 12,
    JAULA_STEP_PIVOT_ROOT = 13,
    JAULA_STEP_CHDIR = 14,
    JAULA_STEP_CHROOT = 15,
    JAULA_STEP_UMOUNT = 16,
    JAULA_STEP_SYMLINK_TARGET = 17, /* the target is a symlink where JAULA_OPF_NOT_SYMLINK forbids one */
    JAULA_STEP_MISSING_PARENT = 18, /* a path component is a symlink to a missing directory */
    JAULA_STEP_NOT_NULL = 19,       /* /dev/null is not char 1:3 */
    JAULA_STEP_NO_NULL = 20,        /* /dev/null is missing */
    JAULA_STEP_OPEN = 21,
    JAULA_STEP_SETSID = 22,
    JAULA_STEP_SETHOSTNAME = 23,
    JAULA_STEP_SETDOMAINNAME = 24,
    JAULA_STEP_NOT_PROCFS = 25, /* /proc is not procfs (REQUIRE_PROCFS, or PROC_WRITE's fstatfs) */
    JAULA_STEP_WRITE = 26,
    JAULA_STEP_KEYCTL = 27,
    JAULA_STEP_PRLIMIT = 28,
    JAULA_STEP_CAPBSET_DROP = 29,
    JAULA_STEP_GETCWD = 30,
    JAULA_STEP_OUTSIDE_ROOT = 31, /* the working directory is not below the root */
    /* CONSOLE; its bind target's open fails as RESOLVE_FILE does (OPENAT2, MKDIRAT, MISSING_PARENT), the bind MOUNT. */
    JAULA_STEP_OPEN_PTMX = 32,   /* opening the ptmx */
    JAULA_STEP_UNLOCK_PTY = 33,  /* TIOCSPTLCK */
    JAULA_STEP_PTY_PEER = 34,    /* TIOCGPTPEER */
    JAULA_STEP_WINSIZE = 35,     /* TIOCSWINSZ */
    JAULA_STEP_CTTY = 36,        /* TIOCSCTTY */
    JAULA_STEP_DUP2 = 37,
    JAULA_STEP_SEND_CONSOLE = 38, /* sendmsg of the CONSOLE frame */
};

/* The sync socket's frame CONSOLE sends (Runtime/Sync/FrameType.cs). */
#define JAULA_FRAME_CONSOLE 6U

/* Pause reasons (the arg of JAULA_OP_PAUSE); JAULA_PAUSE_COPY_UP comes from JAULA_OPF_COPY_UP. */
#define JAULA_PAUSE_COPY_UP 1U
#define JAULA_PAUSE_BEFORE_PIVOT 2U /* the createContainer hooks */
#define JAULA_PAUSE_AFTER_PIVOT 3U  /* the idmapped mount trees are closed by the caller (their moves are done) */
#define JAULA_PAUSE_PROCESS 4U      /* before the keyring: scheduler, I/O priority, memory policy, personality (C#) */

/* One decoded operation; the strings point into the plan buffer (NULL when absent). */
struct jaula_rootfs_op {
    uint32_t kind, flags, field_kind, field_index;
    uint64_t mount_flags, attr_set, attr_clr, dev;
    uint32_t mode, uid, gid;
    int32_t fd;
    uint32_t skip, arg;
    const char *path, *source, *fstype, *data;
};

/* In and out across calls: the caller keeps it between a pause and the next call. Blittable (RootfsInterop.cs). */
struct jaula_rootfs_status {
    uint32_t next_op;   /* in: the first operation to run; out: where to resume after a pause */
    int32_t root_fd;    /* in/out: the current root (O_PATH), -1 before JAULA_OP_ROOT */
    int32_t null_fd;    /* in/out: /dev/null kept by JAULA_OP_OPEN_NULL, or -1 */
    int32_t failed_op;  /* out: the operation that failed, or -1 */
    int32_t err;        /* out: its errno */
    uint32_t step;      /* out: JAULA_STEP_* */
    uint32_t pause;     /* out: JAULA_PAUSE_* when paused */
    int32_t fd_a, fd_b; /* out at a copy-up pause: the directory below the new mount and the mount; the caller closes them */
    int32_t warn_op;    /* out: the first operation of this call whose failure only warns (JAULA_OPF_WARN), or -1 */
    int32_t warn_err;   /* out: its errno */
    uint32_t warn_step; /* out: its JAULA_STEP_* */
};

/*
 * Checks the whole plan: every length, string and index against the buffer, every kind and flag known, every skip
 * within the plan. Returns the number of operations, or -EINVAL / -E2BIG. Changes nothing. out may be NULL; if not,
 * it must hold room operations and receives them (for the tests).
 */
int jaula_rootfs_decode(const uint8_t *plan, uint32_t len, struct jaula_rootfs_op *out, uint32_t room);

/*
 * Checks the plan as a whole (nothing runs if it does not decode: -EINVAL / -E2BIG), then runs the operations from
 * status->next_op. Returns 0 when all ran (root and null fds closed), 1 at a pause (status says why and where to go
 * on), -1 when an operation failed (status says which, the errno and the step; root and null fds closed).
 */
int jaula_rootfs_run(const uint8_t *plan, uint32_t len, struct jaula_rootfs_status *status);

/* Internal, shared by the decoder and the executor: decodes the operation at *pos and advances it. */
int jaula_rootfs_decode_op(const uint8_t *plan, uint32_t len, uint32_t *pos, struct jaula_rootfs_op *op);

/* When set (the C init with JAULA_INIT_TIMING), jaula_rootfs_run adds each operation's time, in nanoseconds of
 * CLOCK_MONOTONIC, to the slot of its kind (JAULA_OP_LAST + 1 slots). */
extern uint64_t *jaula_rootfs_op_ns;

/* CLOCK_MONOTONIC in nanoseconds, the clock of jaula_rootfs_op_ns (the C init times its other groups with it). */
uint64_t jaula_now_ns(void);

#endif
