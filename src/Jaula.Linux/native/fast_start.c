/*
 * `jaula start <id>` without starting .NET. `start` of a container whose process needs nothing after its release
 * (no poststart hooks) only opens the exec fifo and reads the init's byte; a NativeAOT start (~3 ms, ~850 page faults)
 * is most of its cost. So create leaves a start ticket in the container's state directory when that holds (C# decides
 * it: StartTicket.cs), and this constructor, before the runtime starts, does what ExecFifo.Release does:
 *   recognise the plain command (runc's global flags that do not change what start does, the verb, one valid id),
 *   take the container's lock (flock on its directory, as ContainerLock), read the ticket, check the init's pid and
 *   start time against /proc (as Container.OpenInitPidFd), open the fifo without blocking, wait for the byte or the
 *   init's exit, and on "0" remove the fifo and exit 0.
 * It never words an error: on anything it does not expect (another flag, --debug, no ticket, no fifo, an init that is
 * gone, a failing call) it closes what it opened, which also drops the lock, and returns; the managed `start` then
 * runs from the beginning and says what is wrong. The one thing it cannot give back is the init's refusal (a "1" and
 * the failure on the fifo, after which the init exits): it leaves that in start.refused, where the managed `start`
 * takes it and tears the container down as runtime.md asks. No malloc, no stdio, every length checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TICKET_FILE "start.ticket"
#define REFUSAL_FILE "start.refused"
#define FIFO_FILE "exec.fifo"
#define DEFAULT_ROOT "/run/jaula"
#define ID_MAX 200        /* ContainerId.MaxLength */
#define TICKET_MAGIC "jaula-start-ticket 1 "
#define REFUSAL_MAX 4096  /* the init writes one message under PIPE_BUF */

struct start_command {
    const char *root;
    const char *id;
};

static int same(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* 1 when argv[*i] is the flag `name` with its value (as "--name value" or "--name=value"), 0 when it is another
 * token, -1 when the value is missing. */
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

/* The plain form only: [--root R] [--log F] [--log-format text|json] [--systemd-cgroup] start <id>, flags anywhere. */
static int parse_command(int argc, char **argv, struct start_command *cmd)
{
    int verb = 0;
    cmd->root = NULL;
    cmd->id = NULL;
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
        } else if (token[0] == '-') {
            return -1; /* --debug, --rootless, --help, "--", anything else: the managed start */
        } else if (!verb) {
            if (!same(token, "start"))
                return -1;
            verb = 1;
        } else if (cmd->id) {
            return -1;
        } else {
            cmd->id = token;
        }
    }
    return verb && cmd->id ? 0 : -1;
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

/* A decimal number of at most 20 digits ending at a character in `ends`; 0 and *next set, or -1. */
static int parse_u64(const char *s, const char *ends, uint64_t *out, const char **next)
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

/* Reads a small file below `dir` whole; its length, or -1. */
static ssize_t read_small(int dir, const char *name, char *buf, size_t room)
{
    int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len < room - 1) {
        ssize_t n = read(fd, buf + len, room - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                len = (size_t)-1;
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    if (len == (size_t)-1)
        return -1;
    buf[len] = '\0';
    return (ssize_t)len;
}

/* "jaula-start-ticket 1 <pid> <start time>\n", as StartTicket.Write puts it. */
static int read_ticket(int dir, pid_t *pid, uint64_t *start_time)
{
    char buf[96];
    if (read_small(dir, TICKET_FILE, buf, sizeof(buf)) < 0 || strncmp(buf, TICKET_MAGIC, sizeof(TICKET_MAGIC) - 1) != 0)
        return -1;
    const char *p = buf + sizeof(TICKET_MAGIC) - 1;
    uint64_t v;
    if (parse_u64(p, " ", &v, &p) < 0 || v == 0 || v > INT32_MAX)
        return -1;
    *pid = (pid_t)v;
    if (parse_u64(p + 1, "\n", start_time, &p) < 0 || p[1] != '\0')
        return -1;
    return 0;
}

/* Container.InitIsAlive: /proc/<pid>/stat says the process started at `start_time` and is not a zombie. */
static int init_is_alive(pid_t pid, uint64_t start_time)
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
    if (read_small(AT_FDCWD, path, stat, sizeof(stat)) < 0)
        return 0;
    const char *p = strrchr(stat, ')'); /* the comm may hold spaces and parentheses; the fields follow the last ')' */
    if (!p || p[1] != ' ' || p[2] == '\0' || p[3] != ' ')
        return 0;
    char state = p[2];
    if (state == 'Z' || state == 'X')
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
    return parse_u64(p, " \n", &started, &end) == 0 && started == start_time;
}

/* The init refused (its startContainer hooks or its final phase failed): keep what it wrote for the managed start. */
static void keep_refusal(int dir, int fifo)
{
    char text[REFUSAL_MAX];
    size_t len = 0;
    while (len < sizeof(text)) {
        ssize_t n = read(fifo, text + len, sizeof(text) - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    int fd = openat(dir, REFUSAL_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
}

/* 0: the init was released; 1: it refused (kept for the managed start); -1: nothing was done. */
static int release(int dir)
{
    pid_t pid;
    uint64_t start_time;
    if (read_ticket(dir, &pid, &start_time) < 0)
        return -1;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0)
        return -1;
    int result = -1;
    int fifo = -1;
    if (!init_is_alive(pid, start_time))
        goto out;
    fifo = openat(dir, FIFO_FILE, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fifo < 0)
        goto out; /* no fifo: running or stopped, which the managed start words */
    struct pollfd fds[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    char byte;
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            goto out;
        }
        if ((fds[0].revents & POLLIN) && read(fifo, &byte, 1) == 1)
            break;
        if (fds[1].revents)
            goto out; /* the init died before it was released */
        if (fds[0].revents & POLLHUP) {
            struct timespec ms = {.tv_sec = 0, .tv_nsec = 1000000};
            nanosleep(&ms, NULL); /* a hung-up fifo polls ready at once: no writer yet, do not spin */
        }
    }
    if (byte == '0') {
        unlinkat(dir, FIFO_FILE, 0);
        result = 0;
    } else {
        keep_refusal(dir, fifo);
        result = 1;
    }
out:
    if (fifo >= 0)
        close(fifo);
    close(pidfd);
    return result;
}

/* The linker keeps this object for it (JaulaStage.targets: --undefined=jaula_fast_start_keep). */
int jaula_fast_start_keep;

__attribute__((constructor)) static void jaula_fast_start(int argc, char **argv, char **envp)
{
    (void)envp;
    struct start_command cmd;
    if (argc < 3 || parse_command(argc, argv, &cmd) < 0 || !valid_id(cmd.id))
        return;
    if (!cmd.root) {
        if (geteuid() != 0)
            return; /* the default root of anyone else comes from RootlessMode */
        cmd.root = DEFAULT_ROOT;
    }
    int root = open(cmd.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return;
    int dir = openat(root, cmd.id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(root);
    if (dir < 0)
        return;
    int result = -1;
    if (flock(dir, LOCK_EX) == 0)
        result = release(dir);
    close(dir); /* drops the lock before the managed start takes it */
    if (result == 0)
        _exit(0);
}
