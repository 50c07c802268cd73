/*
 * The C stage of jaula: the only code that runs between clone() and execve().
 *
 * Why C: the parent is a multi-threaded .NET process. A forked copy of it must not run managed code (it can wait
 * forever for a GC owned by a thread that was not copied), and user and mount namespaces refuse setns() from a
 * multi-threaded caller. So this stage clones the init, joins namespaces, waits for the parent to write the ID maps
 * and place it in its cgroup, then execs a fresh `jaula init`, which runs in C# inside the namespaces.
 *
 * The layout of struct jaula_spawn_request is mirrored in StageInterop.cs; change both together.
 */
#ifndef JAULA_STAGE_H
#define JAULA_STAGE_H

#include <stdint.h>

#define JAULA_MAX_JOINS 8
#define JAULA_MAX_CGROUP_TASKS 16

/* Frames on the sync socket: a header of two little-endian u32 (type, payload length), then the payload. */
#define JAULA_FRAME_GO 1    /* parent -> stage: ID maps written, cgroup placed; go on */
#define JAULA_FRAME_ERROR 4 /* stage/init -> parent: JSON {"step","path","errno"} from the stage; the init adds "field", "message" */
#define JAULA_FRAME_USERNS 8 /* stage -> parent: user namespace unshared after the joins; write my uid_map/gid_map, then GO */
#define JAULA_FRAME_PIDFD 9  /* stage -> parent: empty payload, the init's pidfd attached (SCM_RIGHTS); the stage exits */
#define JAULA_FRAME_CGROUPS_ENTERED 30 /* stage -> parent, first, with cgroup_tasks: written into each (empty payload) */

struct jaula_ns_join {
    int32_t nstype; /* one CLONE_NEW* flag */
    int32_t fd;     /* an open /proc/<pid>/ns/<kind> (or bind-mounted namespace) file */
};

struct jaula_spawn_request {
    uint64_t clone_flags;   /* CLONE_NEW* namespaces created by clone3 itself */
    uint64_t unshare_flags; /* CLONE_NEWCGROUP / CLONE_NEWTIME: unshared after GO; CLONE_NEWIPC: while becoming root;
                               CLONE_NEWUSER here: join first, then make the user namespace (see jaula_spawn) */
    int32_t sync_fd;        /* the child's end of the sync socket */
    int32_t fifo_fd;        /* O_PATH fd of <state>/exec.fifo, or -1 */
    int32_t exe_fd;         /* the jaula binary, executed with execveat(AT_EMPTY_PATH) */
    int32_t preserve_fds;   /* fds 3 .. 3+preserve_fds-1 pass to the container untouched */
    int32_t become_root;    /* in a user namespace: setresuid/setresgid(0) after GO so execve keeps capabilities */
    int32_t n_joins;
    struct jaula_ns_join joins[JAULA_MAX_JOINS];
    const char *timens_offsets; /* text for /proc/self/timens_offsets after unshare(CLONE_NEWTIME), or NULL */
    const char *const *argv;    /* NULL-terminated */
    const char *const *envp;    /* NULL-terminated */
    int32_t pid_join_in_child;  /* join the pid namespace in the child (after the user namespace) and clone the init
                                   as a sibling, as with CLONE_NEWUSER in unshare_flags: for an unprivileged caller */
    int32_t cgroup_fd;          /* a cgroup v2 directory to start the child in (clone3 CLONE_INTO_CGROUP), or -1 */
    int32_t parent_sync_fd;     /* the parent's end of the sync socket: closed in the child at once, or -1 */
    int32_t n_cgroup_tasks;     /* how many of cgroup_tasks are set */
    int32_t cgroup_tasks[JAULA_MAX_CGROUP_TASKS]; /* cgroup v1 `tasks` files opened for writing: the child writes "0"
                                                     to each first thing, so it joins its v1 cgroups itself */
    const char *const *cgroup_task_paths;         /* their paths, for the error (n_cgroup_tasks entries), or NULL */
};

/*
 * Until the parent hands the container over, the child dies with it: it sets PR_SET_PDEATHSIG(SIGKILL) right after
 * clone (again after a credential change, which clears it), and closes its copy of the parent's socket end, so a
 * parent that died before the prctl shows as end-of-file at the child's next read (it then exits). The signal comes
 * when the parent THREAD exits: call this from a thread that lives until the hand-over (jaula: the main thread).
 *
 * Clones the init. In the child, the fds are laid out for `jaula init` as:
 *   3 .. base-1  the preserved fds (base = 3 + preserve_fds)
 *   base         the sync socket
 *   base+1       the exec fifo (O_PATH), when fifo_fd >= 0
 * and every other fd above 2 is closed.
 * With cgroup_tasks, the child's first act is to move itself into each v1 hierarchy's cgroup by writing "0" to its
 * `tasks` file: a thread moving itself skips the kernel's global cgroup_threadgroup_rwsem, whose write side waits an
 * RCU grace period (10-15 ms measured on this project's VM) when the parent writes the pid to cgroup.procs instead.
 * The child is one thread then, so the whole process moves; then it sends CGROUPS_ENTERED (the parent reads the init's
 * /proc/<pid>/cgroup only after it), or an ERROR frame naming the file that refused it.
 * With cgroup_fd >= 0 the child is started inside that cgroup; where clone3 refuses (an older kernel, EBUSY, no
 * permission...) it is cloned without it and the parent moves it in through cgroup.procs. *cgroup_err_out is 0 when
 * the child was born in the cgroup, the errno clone3 refused it with, or -1 when no cgroup was asked for.
 * Returns 0 with *pid_out (and *pidfd_out, or -1) set, or -errno when no child was made.
 */
int jaula_spawn(const struct jaula_spawn_request *req, int32_t *pid_out, int32_t *pidfd_out, int32_t *cgroup_err_out);

/*
 * With CLONE_NEWUSER in unshare_flags (a new user namespace and namespaces joined by path, as runc orders it): the
 * child clones with no new namespace, joins, unshares the user namespace, sends USERNS and waits for GO (the parent
 * wrote the maps), unshares clone_flags (the pid namespace among them) and clones the init as a sibling
 * (CLONE_PARENT), whose pidfd it sends in a PIDFD frame before it exits. The parent reaps the returned child.
 */

/*
 * A process that only holds a new user namespace until it is killed: the parent writes its maps and opens
 * /proc/<pid>/ns/user (for idmapped mounts). It dies with its parent (PR_SET_PDEATHSIG).
 */
int jaula_spawn_userns_holder(int32_t *pid_out, int32_t *pidfd_out);

#endif
