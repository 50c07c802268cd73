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
 *   u32 rootfs plan length, u32 final-phase plan length,
 *   string cwd (process.cwd, for a relative args[0]), string name (process.args[0]), string search path (PATH, for
 *   a name without '/'), padding to 8, the rootfs plan (rootfs_plan.h), padding to 8, the final-phase plan
 *   (final_phase.h).
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

#include <stdint.h>

#include "final_phase.h"

#define JAULA_INIT_MAGIC 0x3143494AU /* "JIC1" */
#define JAULA_INIT_MAX_PROGRAM (16U << 20)
#define JAULA_INIT_FIXED 24U

#define JAULA_INIT_ADD_HOME 0x1U /* the environment lacks HOME: add the home uid's from the container's /etc/passwd */
#define JAULA_INIT_EXEC 0x2U     /* `exec`: see above */
#define JAULA_INIT_EXEC_CHROOT 0x4U /* with JAULA_INIT_EXEC: the fd is a root directory to chroot into, not a mount namespace */
#define JAULA_INIT_KNOWN_FLAGS 0x7U

/* Frame types of the sync socket (Runtime/Sync/FrameType.cs) not in final_phase.h. */
#define JAULA_FRAME_WARNING 5U
#define JAULA_FRAME_INIT_PROGRAM 13U

struct jaula_init_program {
    uint32_t flags, home_uid;
    const char *cwd, *name, *search_path; /* into the buffer */
    const uint8_t *rootfs;
    uint32_t rootfs_len;
    const uint8_t *final;
    uint32_t final_len;
};

/*
 * Checks the whole program: its own fields, the rootfs plan (jaula_rootfs_decode) and the final-phase plan
 * (jaula_final_decode into final, argv/envp pointers into scratch). The buffer must be 8-aligned. Returns 0, or
 * -EINVAL / -E2BIG; changes nothing. A final-phase plan for the C init carries no early listener, no READY, an exec
 * fifo and no report fd: the C init sends READY itself and the parent is gone by the final phase. One for exec
 * (JAULA_INIT_EXEC) carries no early listener, no READY, no fifo and a report fd, and its rootfs plan only process
 * operations that make sense in a running container (REQUIRE_PROCFS, PROC_WRITE, RLIMIT, CAPBSET_DROP, CHDIR, UMASK).
 */
int jaula_init_decode(const uint8_t *buf, uint32_t len, const char **scratch, uint32_t slots, struct jaula_init_program *out,
                      struct jaula_final_plan *final);

/* The constructor's test: argv ["jaula", "init-c", "<fd>"] and exactly "JAULA_INIT=c" in envp; the fd, or -1. */
int jaula_c_init_marker(int argc, char **argv, char **envp);

#endif
