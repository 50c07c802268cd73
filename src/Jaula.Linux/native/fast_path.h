/*
 * `jaula start` and `jaula delete` without starting .NET (see fast_path.c). C# decides at create, in a ticket it
 * leaves in the container's state directory (StartTicket.cs, DeleteTicket.cs); these files only carry it out and hand
 * every case they do not expect back to the managed command, which words the errors.
 */
#ifndef JAULA_FAST_PATH_H
#define JAULA_FAST_PATH_H

#include <stdint.h>
#include <sys/types.h>

/* The container's state directory, opened; the verb locks it with fast_lock once it has its ticket. */
struct fast_container {
    int root; /* the state root, O_PATH */
    int dir;  /* <root>/<id> */
    const char *id;
    int force; /* delete -f / --force */
};

/* Reads a small file below `dir` whole and NUL-terminates it; its length, or -1 (also when it does not fit). */
ssize_t fast_read_small(int dir, const char *name, char *buf, size_t room);

/* A decimal number of 1 to 20 digits that ends at a character of `ends`; 0 with *next at that character, or -1. */
int fast_parse_u64(const char *s, const char *ends, uint64_t *out, const char **next);

/* Parses "<pid> <start time>" ending at a character of `ends` (Container.InitIsAlive's pair); 0 or -1. */
int fast_parse_init(const char *s, const char *ends, pid_t *pid, uint64_t *start_time, const char **next);

/* Container.InitIsAlive: /proc/<pid>/stat says the process started at `start_time` and is not a zombie. */
int fast_init_is_alive(pid_t pid, uint64_t start_time);

/* Takes the container's lock (flock LOCK_EX, as ContainerLock) and checks that the directory held is still the one
 * under the id; 0, or -1 (then the managed command runs). */
int fast_lock(struct fast_container *c);

/* The verbs: 0 when done (the process exits 0), -1 when the managed command must run. */
int fast_start(struct fast_container *c);
int fast_delete(struct fast_container *c);

#endif
