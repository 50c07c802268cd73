using System.Diagnostics;

namespace Jaula.Linux.Tests.Linux;

public sealed class ProcFsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadStat_of_this_process()
    {
        var stat = ProcFs.ReadStat(Environment.ProcessId);

        stat.Should().NotBeNull();
        stat!.Value.Pid.Should().Be(Environment.ProcessId);
        stat.Value.State.Should().BeOneOf('R', 'S');
        stat.Value.PPid.Should().BeGreaterThan(0);
        stat.Value.StartTime.Should().BeGreaterThan(0);
    }

    [Fact]
    public void ReadStat_of_a_missing_process_is_null()
    {
        ProcFs.ReadStat(0x3FFFFFF0).Should().BeNull();
    }

    [Fact]
    public void ParseStat_finds_the_fields_after_the_last_parenthesis()
    {
        const string line = "4242 (a b) c) (d) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10\n";

        ProcFs.ParseStat(line).Should().Be(new ProcStat(4242, 'S', 17, 987654));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (x) S 1")]
    [InlineData("abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20")]
    [InlineData("4242 x S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20")]
    public void ParseStat_rejects_what_is_not_a_stat_line(string line)
    {
        ProcFs.ParseStat(line).Should().BeNull();
    }

    [Fact]
    public void ReadStat_copes_with_spaces_and_parentheses_in_a_real_command_name()
    {
        // The kernel takes comm from the executable's file name.
        string exe = _dir["sl ee) (p"];
        File.Copy("/bin/sleep", exe);
        Sys.Chmod(exe, 0x140 /* 0500 */);
        using var child = Process.Start(new ProcessStartInfo(exe, "30"))!;
        try
        {
            var stat = WaitForExec(child.Id, "sl ee) (p");

            stat.Pid.Should().Be(child.Id);
            stat.PPid.Should().Be(Environment.ProcessId);
            stat.StartTime.Should().BeGreaterThan(0);
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void ReadNamespaceInode_matches_the_namespace_link()
    {
        ulong? inode = ProcFs.ReadNamespaceInode(Environment.ProcessId, "pid");

        inode.Should().Be(Sys.Stat("/proc/self/ns/pid").Ino);
        ProcFs.ReadNamespaceInode(0x3FFFFFF0, "pid").Should().BeNull();
    }

    [Fact]
    public void ListPids_includes_this_process_and_init()
    {
        var pids = ProcFs.ListPids().ToList();

        pids.Should().Contain(Environment.ProcessId).And.Contain(1);
    }

    private static ProcStat WaitForExec(int pid, string comm)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n') == comm)
                return ProcFs.ReadStat(pid)!.Value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"pid {pid} never showed comm {comm}");
            Thread.Sleep(10);
        }
    }
}
