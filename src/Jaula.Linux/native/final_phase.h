/*
 * The init's final phase, in C: exec fifo, credentials, capabilities, no_new_privs, the seccomp filter, execve.
 *
 * Why C: the filter is loaded on the calling thread (no TSYNC), and from then on that thread must make no syscall
 * a profile does not promise to allow. The .NET runtime may allocate, wait on a futex, start a thread or run a
 * signal handler at any moment, so no managed code may run on this thread after the filter. C# decides everything
 * (PATH search, which groups, which capabilities, which order) and encodes it as a flat plan; this code checks the
 * plan as a whole, then only executes it, and never returns once it has started: a failure is reported from here
 * (the exec fifo, an ERROR frame on the sync socket, or one line on stderr) and the process exits.
 *
 * The encoding is written by FinalPhasePlan.cs; change both together. All integers little-endian.
 *   u32 magic JAULA_FINAL_MAGIC, u32 total length (= the buffer's), u32 flags (JAULA_FINAL_*), u32 uid, u32 gid,
 *   i32 fifo_fd, i32 report_fd, i32 fd_dir, u32 keep_fds_from, u32 personality, u32 seccomp_flags,
 *   u64 effective, u64 permitted, u64 inheritable, u64 ambient,
 *   u32 n_groups, n_groups x u32, padding to 8,
 *   u32 bpf_len, padding to 8, bpf_len bytes (struct sock_filter[]; 0 = no filter), padding to 8,
 *   string path, string container id, u32 argc, argc x string, u32 envc, envc x string
 * where a string is u32 length (with its NUL), the bytes, the NUL. Nothing may follow.
 */
#ifndef JAULA_FINAL_PHASE_H
#define JAULA_FINAL_PHASE_H

#include <stdint.h>

#define JAULA_FINAL_MAGIC 0x3150464AU /* "JFP1" */
#define JAULA_FINAL_MAX_PLAN (16U << 20)
#define JAULA_FINAL_MAX_GROUPS 65536U
#define JAULA_FINAL_MAX_BPF (4096U * 8U)

#define JAULA_FINAL_NO_NEW_PRIVS 0x1U /* prctl(PR_SET_NO_NEW_PRIVS); the filter is then the last step before execve */
#define JAULA_FINAL_SETGROUPS 0x2U    /* call setgroups (skipped where /proc/self/setgroups says deny and none asked) */
#define JAULA_FINAL_FIFO_OPEN 0x4U    /* fifo_fd is already open for writing (the startContainer hooks ran in C#) */
#define JAULA_FINAL_PERSONALITY 0x8U  /* set personality before the fifo byte */
/*
 * The filter notifies an agent (SECCOMP_FILTER_FLAG_NEW_LISTENER, which seccomp_flags must then carry): it is loaded
 * while the parent still listens on report_fd. After the filter: a SeccompListener frame with the listener's fd
 * number (the parent copies it with pidfd_getfd), with JAULA_FINAL_READY a READY frame, then a HAND_OVER frame is read
 * from report_fd (end of file: the parent died; exit 1). See jaula_final_run for the order.
 */
#define JAULA_FINAL_EARLY_LISTENER 0x10U
/* `create`: after the listener frame write READY; after HAND_OVER the parent is gone (failures go to the fifo or fd 2),
 * and the exec fifo is waited on under the filter. Only with JAULA_FINAL_EARLY_LISTENER and a fifo not yet open. */
#define JAULA_FINAL_READY 0x20U
/* With JAULA_FINAL_READY, for startContainer hooks: fifo_fd is the read end of a pipe. The init's hooks thread (managed,
 * never filtered) opens the exec fifo when `start` does, runs the hooks, and sends the open fifo's fd number (u32) on
 * the pipe; end of file instead: a hook failed and `start` was told, exit 1. */
#define JAULA_FINAL_FIFO_PIPE 0x40U
#define JAULA_FINAL_KNOWN_FLAGS 0x7FU

/* Frame types of the sync socket (Runtime/Sync/FrameType.cs). */
#define JAULA_FRAME_READY 3U
#define JAULA_FRAME_ERROR 4U
#define JAULA_FRAME_SECCOMP_LISTENER 7U
#define JAULA_FRAME_HAND_OVER 11U

struct jaula_final_plan {
    uint32_t flags;
    uint32_t uid, gid;
    int32_t fifo_fd;        /* O_PATH fd of the exec fifo (reopened through fd_dir), an open one, or -1 */
    int32_t report_fd;      /* a listening sync socket for ERROR frames (and the early listener's frames), or -1 for one line on fd 2 */
    int32_t fd_dir;         /* the init's /proc/self/fd opened before pivot_root (a rootfs may lack /proc), or -1 */
    uint32_t keep_fds_from; /* every fd >= this becomes close-on-exec before the filter */
    uint32_t personality;
    uint32_t seccomp_flags;
    uint64_t effective, permitted, inheritable, ambient;
    uint32_t n_groups;
    const uint32_t *groups; /* into the plan buffer (4-aligned) */
    uint32_t bpf_len;
    const uint8_t *bpf;     /* into the plan buffer (8-aligned) */
    const char *path;
    const char *id;
    uint32_t argc, envc;
    const char *const *argv; /* NULL-terminated, in the caller's scratch */
    const char *const *envp;
};

/*
 * Checks and decodes a plan; argv and envp pointers go into scratch (slots entries: argc + envc + 2 are needed).
 * The plan buffer must be 8-aligned. Returns 0, -EINVAL for a plan that does not decode (truncated, trailing bytes,
 * a string without its NUL, a bad flag or fd), -E2BIG for one over a limit. Changes nothing.
 */
int jaula_final_decode(const uint8_t *plan, uint32_t len, const char **scratch, uint32_t slots, struct jaula_final_plan *out);

/*
 * Runs the final phase. Returns only when the plan does not decode (-errno, nothing done); otherwise it execs the
 * process or exits the process with 127 (ENOENT) or 126 after reporting why. Call it on the thread that is to exec.
 */
int jaula_final_run(const uint8_t *plan, uint32_t len, const char **scratch, uint32_t slots);

/*
 * Runs a plan jaula_final_decode accepted (the C init patches its path, fd_dir and envp in between). Never returns:
 * it execs the process or reports and exits, as jaula_final_run.
 */
void __attribute__((noreturn)) jaula_final_exec(const struct jaula_final_plan *plan);

#endif
