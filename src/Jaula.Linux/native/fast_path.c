/*
 * `jaula start <id>` and `jaula delete <id>` without starting .NET. Each is a few system calls when the container
 * needs nothing else of them, and a NativeAOT start (~3 ms, ~850 page faults) was most of their cost. So create leaves
 * tickets in the container's state directory when that holds (C# decides it: StartTicket.cs, DeleteTicket.cs), and
 * this constructor, before the runtime starts:
 *   recognises the plain command (runc's global flags that do not change what the verb does, the verb, its own
 *   flags, one valid id), opens the container's directory, and lets the verb carry out its ticket (fast_start.c,
 *   fast_delete.c): each reads its ticket first (written once, by rename, before create returned), so a container
 *   without one costs no lock here, then takes the container's lock (flock, as ContainerLock) and goes on.
 * It never words an error: on anything it does not expect (another flag, --debug, no ticket, a failing call) it closes
 * what it opened, which also drops the lock, and returns; the managed command then runs from the beginning and says
 * what is wrong. No malloc, no stdio, every length checked.
 */
#include "fast_path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_ROOT "/run/jaula"
#define ID_MAX 200 /* ContainerId.MaxLength */

enum verb { VERB_NONE, VERB_START, VERB_DELETE };

struct command {
    enum verb verb;
    const char *root;
    const char *id;
    int force;
};

static int same(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* 1 when argv[*i] is the flag `name` with its value ("--name value" or "--name=value"), 0 when it is another token,
 * -1 when the value is missing. */
static int flag_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *token = argv[*i];
    if (strncmp(token, name, n) != 0)
        return 0;
    if (token[n] == '=') {
        *value = token + n + 1;
        return 1;
    }
    if (token[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

/* The plain forms only: [--root R] [--log F] [--log-format text|json] [--systemd-cgroup] start <id>, and
 * delete [-f|--force] <id>, the global flags anywhere. 0, or -1 for anything else. */
static int parse_command(int argc, char **argv, struct command *cmd)
{
    cmd->verb = VERB_NONE;
    cmd->root = NULL;
    cmd->id = NULL;
    cmd->force = 0;
    for (int i = 1; i < argc; i++) {
        const char *token = argv[i];
        const char *value;
        int r;
        if ((r = flag_value(argc, argv, &i, "--root", &value)) != 0) {
            if (r < 0 || value[0] == '\0')
                return -1;
            cmd->root = value;
        } else if ((r = flag_value(argc, argv, &i, "--log-format", &value)) != 0) {
            if (r < 0 || !(same(value, "text") || same(value, "json")))
                return -1;
        } else if ((r = flag_value(argc, argv, &i, "--log", &value)) != 0) {
            if (r < 0)
                return -1;
        } else if (same(token, "--systemd-cgroup")) {
            continue;
        } else if (cmd->verb == VERB_DELETE && (same(token, "-f") || same(token, "--force"))) {
            cmd->force = 1;
        } else if (token[0] == '-') {
            return -1; /* --debug, --rootless, --help, "--", anything else: the managed command */
        } else if (cmd->verb == VERB_NONE) {
            if (same(token, "start"))
                cmd->verb = VERB_START;
            else if (same(token, "delete"))
                cmd->verb = VERB_DELETE;
            else
                return -1;
        } else if (cmd->id) {
            return -1;
        } else {
            cmd->id = token;
        }
    }
    return cmd->verb != VERB_NONE && cmd->id ? 0 : -1;
}

/* ContainerId.IsValid: 1 to 200 of A-Z a-z 0-9 _ + - ., not "." or "..". */
static int valid_id(const char *id)
{
    size_t n = strnlen(id, ID_MAX + 1);
    if (n == 0 || n > ID_MAX || same(id, ".") || same(id, ".."))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+'
              || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

ssize_t fast_read_small(int dir, const char *name, char *buf, size_t room)
{
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    size_t len = 0;
    int failed = 0;
    for (;;) {
        if (len == room - 1) {
            char extra;
            failed = read(fd, &extra, 1) != 0; /* more than fits: refuse rather than cut */
            break;
        }
        ssize_t n = read(fd, buf + len, room - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            failed = n < 0;
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    if (failed)
        return -1;
    buf[len] = '\0';
    return (ssize_t)len;
}

int fast_parse_u64(const char *s, const char *ends, uint64_t *out, const char **next)
{
    uint64_t v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (digits == 0 || digits > 20 || *s == '\0' || !strchr(ends, *s))
        return -1;
    *out = v;
    *next = s;
    return 0;
}

int fast_parse_init(const char *s, const char *ends, pid_t *pid, uint64_t *start_time, const char **next)
{
    uint64_t v;
    if (fast_parse_u64(s, " ", &v, &s) < 0 || v == 0 || v > INT32_MAX)
        return -1;
    *pid = (pid_t)v;
    return fast_parse_u64(s + 1, ends, start_time, next);
}

int fast_init_is_alive(pid_t pid, uint64_t start_time)
{
    char path[32] = "/proc/";
    char digits[12];
    int n = 0;
    for (uint32_t v = (uint32_t)pid; v > 0 && n < (int)sizeof(digits); v /= 10)
        digits[n++] = (char)('0' + v % 10);
    size_t len = strlen(path);
    while (n > 0)
        path[len++] = digits[--n];
    memcpy(path + len, "/stat", sizeof("/stat"));

    char stat[1024];
    if (fast_read_small(AT_FDCWD, path, stat, sizeof(stat)) < 0)
        return 0;
    const char *p = strrchr(stat, ')'); /* the comm may hold spaces and parentheses; the fields follow the last ')' */
    if (!p || p[1] != ' ' || p[2] == '\0' || p[3] != ' ')
        return 0;
    if (p[2] == 'Z' || p[2] == 'X')
        return 0;
    p += 2; /* field 3, the state */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (!p)
            return 0;
        p++;
    }
    uint64_t started;
    const char *end;
    return fast_parse_u64(p, " \n", &started, &end) == 0 && started == start_time;
}

int fast_lock(struct fast_container *c)
{
    struct stat held, named;
    if (flock(c->dir, LOCK_EX) < 0 || fstat(c->dir, &held) < 0
        || fstatat(c->root, c->id, &named, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    /* A delete that went first removed the directory we hold; a create may have made a new one under the id since. */
    return held.st_dev == named.st_dev && held.st_ino == named.st_ino ? 0 : -1;
}

/* The linker keeps this object for it (JaulaStage.targets: --undefined=jaula_fast_path_keep). */
int jaula_fast_path_keep;

__attribute__((constructor)) static void jaula_fast_path(int argc, char **argv, char **envp)
{
    (void)envp;
    struct command cmd;
    if (argc < 3 || parse_command(argc, argv, &cmd) < 0 || !valid_id(cmd.id))
        return;
    if (!cmd.root) {
        if (geteuid() != 0)
            return; /* anyone else's default root comes from RootlessMode */
        cmd.root = DEFAULT_ROOT;
    }
    struct fast_container c = {.root = -1, .dir = -1, .id = cmd.id, .force = cmd.force};
    c.root = open(cmd.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c.root < 0)
        return;
    c.dir = openat(c.root, cmd.id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int result = -1;
    if (c.dir >= 0)
        result = cmd.verb == VERB_START ? fast_start(&c) : fast_delete(&c);
    if (c.dir >= 0)
        close(c.dir); /* drops the lock before the managed command takes it */
    close(c.root);
    if (result == 0)
        _exit(0);
}
