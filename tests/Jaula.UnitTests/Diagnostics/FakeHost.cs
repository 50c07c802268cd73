using Jaula.Diagnostics;

namespace Jaula.UnitTests.Diagnostics;

/// <summary>A host laid out in a temporary directory, with a kernel that answers as told.</summary>
public sealed class FakeHost : IDisposable
{
    public const string HybridMountinfo =
        "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n" +
        "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n" +
        "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n" +
        "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

    public const string Cgroups =
        "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\nmemory\t4\t9\t1\nhugetlb\t0\t1\t1\nnet_cls\t0\t1\t1\nrdma\t0\t1\t0\n";

    public FakeHost()
    {
        Root = Directory.CreateTempSubdirectory("jaula-fakehost-").FullName;
        Write("/proc/sys/kernel/osrelease", "6.18.44-test\n");
        foreach (string ns in new[] { "mnt", "pid", "net", "ipc", "uts", "cgroup", "user", "time" })
            Write($"/proc/self/ns/{ns}", "");
        Write("/proc/sys/user/max_user_namespaces", "1000\n");
        Write("/proc/self/mountinfo", HybridMountinfo);
        Write("/proc/cgroups", Cgroups);
        Write("/sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
        Write("/proc/self/status", "Name:\tjaula\nSeccomp:\t0\nCapBnd:\t000001ffffffffff\n");
        Write("/proc/sys/kernel/seccomp/actions_avail", "kill_process errno allow\n");
        Write("/proc/filesystems", "nodev\tproc\n\text4\nnodev\toverlay\n");
        Write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    }

    public string Root { get; }

    public FakeKernel Kernel { get; } = new();

    public HostView View => new(Root, "/usr/bin:/bin");

    public void Write(string absolute, string text)
    {
        string path = Path.Join(Root, absolute);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Delete(string absolute) => File.Delete(Path.Join(Root, absolute));

    public HostCheckReport Run() => HostCheck.Run(View, Kernel);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

public sealed class FakeKernel : IKernelProbe
{
    public HashSet<string> MissingSyscalls { get; } = [];

    public ulong NofileHard { get; set; } = 1048576;

    public bool HasSyscall(string name) => !MissingSyscalls.Contains(name);

    public bool SeccompFlagSupported(uint flag) => flag != (32 | 8);

    public (ulong Soft, ulong Hard) Rlimit(int resource) => resource == 7 ? (1024, NofileHard) : (ulong.MaxValue, ulong.MaxValue);

    public int Uid { get; set; } = 1000;

    /// <summary>What `criu check` answers: null = works.</summary>
    public string? CriuProblem { get; set; }

    public string? CriuCheck(string criuPath) => CriuProblem;
}
