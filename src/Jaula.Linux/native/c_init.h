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
 */
#ifndef JAULA_C_INIT_H
#define JAULA_C_INIT_H

#include <stdint.h>

#include "final_phase.h"

#define JAULA_INIT_MAGIC 0x3143494AU /* "JIC1" */
#define JAULA_INIT_MAX_PROGRAM (16U << 20)
#define JAULA_INIT_FIXED 24U

#define JAULA_INIT_ADD_HOME 0x1U /* the environment lacks HOME: add the home uid's from the container's /etc/passwd */
/* prestart/createRuntime hooks: at the rootfs plan's BEFORE_PIVOT pause send HOOKS_DUE and wait for the parent's
 * HOOKS_DONE (it runs them in the runtime namespace meanwhile; a failure kills this process). */
#define JAULA_INIT_HOOKS_DUE 0x2U
#define JAULA_INIT_KNOWN_FLAGS 0x3U

/* Frame types of the sync socket (Runtime/Sync/FrameType.cs) not in final_phase.h. */
#define JAULA_FRAME_WARNING 5U
#define JAULA_FRAME_INIT_PROGRAM 13U
#define JAULA_FRAME_HOOKS_DUE 20U
#define JAULA_FRAME_HOOKS_DONE 22U

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
 * fifo and no report fd: the C init sends READY itself and the parent is gone by the final phase.
 */
int jaula_init_decode(const uint8_t *buf, uint32_t len, const char **scratch, uint32_t slots, struct jaula_init_program *out,
                      struct jaula_final_plan *final);

/* The constructor's test: argv ["jaula", "init-c", "<fd>"] and exactly "JAULA_INIT=c" in envp; the fd, or -1. */
int jaula_c_init_marker(int argc, char **argv, char **envp);

#endif
