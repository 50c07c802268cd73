/*
 * The C init: the container's init for the containers that need nothing of .NET in it (the parent decides which:
 * Runtime/Lifecycle/InitRoute.cs). The C stage execs jaula (through the read-only overlay, as for the managed init)
 * as argv ["jaula", "init-c", "<sync fd>"] with exactly JAULA_INIT=c in its environment; a constructor in c_init.c
 * sees the marker before the .NET runtime starts and never returns to it. It reads one INIT_PROGRAM frame from the
 * sync socket, checks it as a whole, builds the rootfs and makes the process's settings (jaula_rootfs_run: the plan
 * carries them), resolves args[0] and HOME in the built root, reports READY, waits for HAND_OVER and runs the final phase
 * (jaula_final_exec). Every failure before READY is an ERROR frame ({"step":"c-init","path":<kind>,...}, see
 * c_init.c) that the parent turns into the managed init's message (Runtime/Init/CInitFailure.cs).
 *
 * The program is written by InitProgramEncoder.cs; change both together. All integers little-endian.
 *   u32 magic JAULA_INIT_MAGIC, u32 total length (= the buffer's), u32 flags (JAULA_INIT_*), u32 home uid,
 *   u32 rootfs plan length, u32 final-phase plan length, u32 hook count,
 *   string cwd (process.cwd, for a relative args[0]), string name (process.args[0]), string search path (PATH, for
 *   a name without '/'),
 *   the hooks the init runs: string createContainer state, string startContainer state (the state JSON the parent
 *   computed, status "creating" / "created"; absent when no hook of that kind), then hook count hooks, each
 *     u32 kind (JAULA_HOOK_*), u32 index (in its kind's list, for the message), u32 flags (JAULA_HOOKF_*),
 *     u32 timeout in seconds, string path, u32 argc (>= 1), argc x string, u32 envc, envc x string,
 *   padding to 8, the rootfs plan (rootfs_plan.h), padding to 8, the final-phase plan (final_phase.h).
 * where a string is u32 length (with its NUL; 0 = absent), the bytes, the NUL. Nothing may follow. The final-phase
 * plan's path is replaced by the resolved args[0], its fd_dir by the init's own /proc/self/fd, and with
 * JAULA_INIT_ADD_HOME "HOME=<home of home uid in /etc/passwd, else />" is appended to its environment.
 *
 * `exec` (JAULA_INIT_EXEC; the parent decides which execs: Runtime/Exec/ExecRoute.cs) sends the same program, with
 * one SCM_RIGHTS fd on the frame's header: the container's mount namespace, or with JAULA_INIT_EXEC_CHROOT (a
 * container without a mount namespace of its own) its init's root directory. The C stage has joined the other
 * namespaces and the parent the cgroups; this process is single-threaded, so it setns's (or chroots) itself. The
 * "rootfs" plan then holds only the exec's process operations (rlimits, oom_score_adj, the bounding set, the cwd,
 * the umask: ProcessPlanCompiler.ProcessSettings, in ProcessSetup.Prepare's order), args[0] and HOME are found in the
 * container's root, and the final phase runs at once: no READY, no HAND_OVER; its report_fd is the sync socket (made
 * close-on-exec), whose end of file tells the parent the process was exec'd, as for the managed `jaula init` of exec.
 */
#ifndef JAULA_C_INIT_H
#define JAULA_C_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "final_phase.h"

#define JAULA_INIT_MAGIC 0x3143494AU /* "JIC1" */
#define JAULA_INIT_MAX_PROGRAM (16U << 20)
#define JAULA_INIT_FIXED 28U
#define JAULA_INIT_MAX_HOOKS 256U

#define JAULA_INIT_ADD_HOME 0x1U /* the environment lacks HOME: add the home uid's from the container's /etc/passwd */
/* prestart/createRuntime hooks: at the rootfs plan's BEFORE_PIVOT pause send HOOKS_DUE and wait for the parent's
 * HOOKS_DONE (it runs them in the runtime namespace meanwhile; a failure kills this process). */
#define JAULA_INIT_HOOKS_DUE 0x2U
#define JAULA_INIT_EXEC 0x4U     /* `exec`: see above; never with hooks */
#define JAULA_INIT_EXEC_CHROOT 0x8U /* with JAULA_INIT_EXEC: the fd is a root directory to chroot into, not a mount namespace */
#define JAULA_INIT_TIMING 0x10U    /* --debug: send how long each group of operations took (JAULA_FRAME_TIMING) before READY */
#define JAULA_INIT_KNOWN_FLAGS 0x1FU

/* Frame types of the sync socket (Runtime/Sync/FrameType.cs) not in final_phase.h. */
#define JAULA_FRAME_WARNING 5U
#define JAULA_FRAME_INIT_PROGRAM 13U
#define JAULA_FRAME_TIMING 14U      /* C init -> parent: JAULA_TIMING_GROUPS u64 nanoseconds (CInitTiming.cs) */
#define JAULA_FRAME_HOOKS_DUE 20U
#define JAULA_FRAME_HOOK_EXECUTABLE 21U
#define JAULA_FRAME_HOOKS_DONE 22U

/* Hook kinds the init runs (the parent runs the others). createContainer hooks come first, in order, then the
 * startContainer ones; createContainer needs JAULA_INIT_HOOKS_DUE (their executables come with HOOKS_DONE). */
#define JAULA_HOOK_CREATE_CONTAINER 1U
#define JAULA_HOOK_START_CONTAINER 2U
#define JAULA_HOOKF_TIMEOUT 0x1U /* the timeout field holds hook.timeout */
#define JAULA_HOOKF_KNOWN 0x1U

struct jaula_init_hook {
    uint32_t kind, index, flags, timeout;
    const char *path;
    uint32_t argc, envc;
    const char *const *argv; /* NULL-terminated, in the caller's scratch */
    const char *const *envp;
};

struct jaula_init_program {
    uint32_t flags, home_uid;
    const char *cwd, *name, *search_path; /* into the buffer */
    const uint8_t *rootfs;
    uint32_t rootfs_len;
    const uint8_t *final;
    uint32_t final_len;
    const char *create_state, *start_state; /* the state JSON for each kind, or NULL */
    uint32_t n_hooks, n_create;             /* all hooks; the createContainer ones (the first n_create) */
    const uint8_t *hooks;                   /* the first hook's encoding */
    uint32_t hooks_len;                     /* from there to the end of the last one */
};

/*
 * Checks the whole program: its own fields, the rootfs plan (jaula_rootfs_decode) and the final-phase plan
 * (jaula_final_decode into final, argv/envp pointers into scratch). The buffer must be 8-aligned; sync_fd is the
 * init's sync socket (the marker's fd). Returns 0, or -EINVAL / -E2BIG; changes nothing. A final-phase plan for the
 * C init carries no early listener, no READY, the exec fifo at sync_fd + 1 and no report fd: the C init sends READY
 * itself and the parent is gone by the final phase; its rootfs plan holds exactly one BEFORE_PIVOT pause (before the
 * root changes) and one PROCESS pause after it, both unconditional, no operation only the managed init serves
 * (a COPY_UP mount, MOVE_MOUNT) and a CONSOLE only on sync_fd. One for exec (JAULA_INIT_EXEC) carries no early
 * listener, no READY, no fifo and sync_fd as its report fd, and its rootfs plan only process operations that make
 * sense in a running container (REQUIRE_PROCFS, PROC_WRITE, RLIMIT, CAPBSET_DROP, CHDIR, UMASK).
 */
int jaula_init_decode(const uint8_t *buf, uint32_t len, int sync_fd, const char **scratch, uint32_t slots,
                      struct jaula_init_program *out, struct jaula_final_plan *final);

/*
 * Decodes hook i (< n_hooks) of a program jaula_init_decode accepted; its argv and envp go into scratch (slots
 * entries; jaula_init_decode checked that every hook fits the scratch left after the final plan's argv, envp and
 * one slot for HOME: pass scratch + jaula_init_hook_scratch(final)). Returns 0 or -EINVAL / -E2BIG.
 */
int jaula_init_hook(const struct jaula_init_program *prog, uint32_t i, const char **scratch, uint32_t slots,
                    struct jaula_init_hook *out);

/* A hook's failure, worded as HookFailedException's message (c_init_hooks.c). */
struct jaula_hook_text {
    char buf[12288];
    size_t len;
};

/*
 * Runs one hook (c_init_hooks.c) with state on its stdin; exec_fd >= 0: the executable the parent opened (run as
 * /proc/self/fd/3). Returns 0 when it exited 0, else -1 with the failure's message in msg.
 */
int jaula_run_hook(const struct jaula_init_hook *h, int exec_fd, const char *state, struct jaula_hook_text *msg);

/* Where the hooks' scratch starts: after the final plan's argv and envp, their NULLs and the HOME slot. */
uint32_t jaula_init_hook_scratch(const struct jaula_final_plan *final);

/* The constructor's test: argv ["jaula", "init-c", "<fd>"] and exactly "JAULA_INIT=c" in envp; the fd, or -1. */
int jaula_c_init_marker(int argc, char **argv, char **envp);

#endif
