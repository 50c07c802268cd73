/*
 * The criu keeper: a small C process between jaula and criu, so that a `jaula restore` (or checkpoint) that dies
 * leaves no criu and no half-restored tree behind.
 *
 * jaula (the parent) calls jaula_keeper_spawn, which clones the keeper; no managed code runs in it. The keeper:
 *  - is a child subreaper (PR_SET_CHILD_SUBREAPER), so the restored tree, orphaned when criu exits (criu restore
 *    --restore-detached), is reparented to it and not to an outer reaper;
 *  - waits for one GO byte on the control socket (the parent may first place it in a cgroup or a systemd unit);
 *  - forks criu with PR_SET_PDEATHSIG(SIGKILL) bound to itself (single-threaded, so the signal comes when the keeper
 *    exits or is killed) and execs it with the stdio and the optional fd 3 it was given;
 *  - reports STARTED (criu's pid), then EXITED (criu's wait status), or FAILED (the step's errno);
 *  - then waits for the parent's word: RELEASE ('R'): it exits, leaving its children, which the kernel reparents to
 *    the parent's nearest subreaper (the parent itself when it is one, for a foreground restore) or to init, as they
 *    would have been reparented had criu been the parent's child; anything else, or end-of-file (the parent died:
 *    its end is close-on-exec and the keeper closed its copy), kills criu and every child reparented to it
 *    (/proc/self/task/<pid>/children), reaps them all and exits.
 * The keeper keeps hold_fd open (the container's lock: a `delete` waits until the tree is gone) and closes every
 * other descriptor it does not pass on.
 *
 * The layout of struct jaula_keeper_request is mirrored in CriuKeeper.cs; change both together.
 */
#ifndef JAULA_CRIU_KEEPER_H
#define JAULA_CRIU_KEEPER_H

#include <stdint.h>

/* Messages keeper -> parent: struct jaula_keeper_msg. */
#define JAULA_KEEPER_STARTED 1 /* value: criu's pid */
#define JAULA_KEEPER_EXITED 2  /* value: criu's raw wait status */
#define JAULA_KEEPER_FAILED 3  /* value: errno; step: JAULA_KEEPER_STEP_* */

#define JAULA_KEEPER_STEP_SUBREAPER 1
#define JAULA_KEEPER_STEP_FORK 2
#define JAULA_KEEPER_STEP_EXEC 3 /* exec of criu (or a setup step in its child: dup2, close_range, prctl) */
/* 4 is no longer used */
#define JAULA_KEEPER_STEP_WAIT 5

/* Bytes parent -> keeper. */
#define JAULA_KEEPER_GO 'G'
#define JAULA_KEEPER_RELEASE 'R'
#define JAULA_KEEPER_KILL 'K'

struct jaula_keeper_msg {
    int32_t type;
    int32_t value;
    int32_t step;
};

struct jaula_keeper_request {
    const char *path;        /* criu's path */
    const char *const *argv; /* NULL-terminated */
    const char *const *envp; /* NULL-terminated */
    int32_t stdin_fd;        /* criu's fd 0 */
    int32_t stdout_fd;       /* criu's fd 1 */
    int32_t stderr_fd;       /* criu's fd 2 */
    int32_t fd3;             /* criu's fd 3, or -1 */
    int32_t hold_fd;         /* kept open by the keeper until it exits (not passed to criu), or -1 */
};

/*
 * Clones the keeper. Returns 0 with *pid_out and *ctl_out (the parent's end of the
 * control socket, close-on-exec) set, or -errno when no keeper was made. The parent reaps the keeper.
 */
int jaula_keeper_spawn(const struct jaula_keeper_request *req, int32_t *pid_out, int32_t *ctl_out);

#endif
