using System.Text;

namespace Jaula.Linux.Tests.Linux;

public sealed class FilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void OpenAt2_in_root_keeps_an_escaping_symlink_inside_the_root()
    {
        string root = _dir["rootfs"];
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        File.WriteAllText(Path.Combine(root, "etc", "marker"), "inside");
        Sys.Symlink("../../etc", Path.Combine(root, "up"));
        Sys.Symlink("/etc", Path.Combine(root, "abs"));
        File.Exists(Path.Combine(root, "up", "marker")).Should().BeFalse("on the host the link leads to /etc");
        using var rootFd = Sys.Open(root, OpenFlags.Directory | OpenFlags.Path | OpenFlags.CloExec);

        using (var viaRelative = Sys.OpenAt2(rootFd, "up/marker", OpenFlags.ReadOnly | OpenFlags.CloExec, ResolveFlags.InRoot))
            ReadAll(viaRelative).Should().Be("inside");
        using (var viaAbsolute = Sys.OpenAt2(rootFd, "abs/marker", OpenFlags.ReadOnly | OpenFlags.CloExec, ResolveFlags.InRoot))
            ReadAll(viaAbsolute).Should().Be("inside");
    }

    [Fact]
    public void TryOpenAt2_returns_the_errno_instead_of_throwing()
    {
        using var rootFd = Sys.Open(_dir.Path, OpenFlags.Directory | OpenFlags.Path | OpenFlags.CloExec);

        Sys.TryOpenAt2(rootFd, "missing", OpenFlags.Path, ResolveFlags.InRoot, 0, out var fd).Should().Be(Errno.ENOENT);
        fd.IsInvalid.Should().BeTrue();

        Sys.Symlink("/etc", _dir["abs"]);
        Sys.TryOpenAt2(rootFd, "abs", OpenFlags.Path, ResolveFlags.Beneath, 0, out _).Should().Be(Errno.EXDEV);
    }

    [Fact]
    public void OpenAt2_creates_with_the_mode_and_ignores_a_mode_without_create()
    {
        using var dirFd = Sys.Open(_dir.Path, OpenFlags.Directory | OpenFlags.ReadOnly | OpenFlags.CloExec);
        uint old = Sys.Umask(0);
        try
        {
            using var created = Sys.OpenAt2(dirFd, "new", OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.CloExec, ResolveFlags.InRoot, 0x1A0);
            using var reopened = Sys.OpenAt2(dirFd, "new", OpenFlags.ReadOnly | OpenFlags.CloExec, ResolveFlags.InRoot, 0x1A4);
            Sys.Fstat(reopened).Permissions.Should().Be(0x1A0u); // 0640
        }
        finally
        {
            Sys.Umask(old);
        }
    }

    [Fact]
    public void OpenAt_opens_relative_to_the_directory()
    {
        File.WriteAllText(_dir["file"], "hello");
        using var dirFd = Sys.Open(_dir.Path, OpenFlags.Directory | OpenFlags.ReadOnly | OpenFlags.CloExec);
        using var fd = Sys.OpenAt(dirFd, "file", OpenFlags.ReadOnly | OpenFlags.CloExec);

        ReadAll(fd).Should().Be("hello");
    }

    [Fact]
    public void AtCwd_resolves_from_the_working_directory()
    {
        string before = Environment.CurrentDirectory;
        try
        {
            File.WriteAllText(_dir["here"], "cwd");
            Sys.Chdir(_dir.Path);
            using var fd = Sys.OpenAt(SafeFd.AtCwd, "here", OpenFlags.ReadOnly | OpenFlags.CloExec);
            ReadAll(fd).Should().Be("cwd");
            using var viaOpenAt2 = Sys.OpenAt2(SafeFd.AtCwd, "here", OpenFlags.ReadOnly | OpenFlags.CloExec, ResolveFlags.Beneath);
            ReadAll(viaOpenAt2).Should().Be("cwd");
        }
        finally
        {
            Sys.Chdir(before);
        }
    }

    [Fact]
    public void Mkdir_makes_a_directory_and_refuses_an_existing_one()
    {
        Sys.Mkdir(_dir["d"], 0x1ED);
        Sys.Stat(_dir["d"]).IsDirectory.Should().BeTrue();

        var again = () => Sys.Mkdir(_dir["d"], 0x1ED);
        again.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.EEXIST);
    }

    [Fact]
    public void MkdirAt_creates_inside_an_O_PATH_directory()
    {
        using var dirFd = Sys.Open(_dir.Path, OpenFlags.Directory | OpenFlags.Path | OpenFlags.CloExec);
        Sys.MkdirAt(dirFd, "sub", 0x1C0);

        var st = Sys.Lstat(_dir["sub"]);
        st.IsDirectory.Should().BeTrue();
        var again = () => Sys.MkdirAt(dirFd, "sub", 0x1C0);
        again.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.EEXIST);
    }

    [Fact]
    public void Mknod_makes_a_character_device_like_dev_null()
    {
        string path = _dir["null"];
        Sys.Mknod(path, FileStatus.CharDevice | 0x1B6, Sys.Makedev(1, 3));
        Sys.Chmod(path, 0x1B6);

        var st = Sys.Stat(path);
        st.IsCharDevice.Should().BeTrue();
        st.RdevMajor.Should().Be(1);
        st.RdevMinor.Should().Be(3);
        st.Rdev.Should().Be(Sys.Stat("/dev/null").Rdev);
        st.Permissions.Should().Be(0x1B6u);
        using var fd = Sys.Open(path, OpenFlags.WriteOnly | OpenFlags.CloExec);
        Sys.Write(fd, "discarded"u8).Should().Be(9);
    }

    [Theory]
    [InlineData(1u, 3u)]
    [InlineData(259u, 0x12345u)]
    [InlineData(0xFFFFFu, 0xFFFFFFFFu)]
    public void Makedev_round_trips_major_and_minor(uint major, uint minor)
    {
        ulong dev = Sys.Makedev(major, minor);

        DeviceNumber.Major(dev).Should().Be(major);
        DeviceNumber.Minor(dev).Should().Be(minor);
    }

    [Fact]
    public void Mkfifo_and_Symlink_make_what_Stat_and_Lstat_report()
    {
        Sys.Mkfifo(_dir["fifo"], 0x180);
        Sys.Symlink("fifo", _dir["link"]);

        Sys.Lstat(_dir["fifo"]).IsFifo.Should().BeTrue();
        Sys.Lstat(_dir["link"]).IsSymlink.Should().BeTrue();
        Sys.Stat(_dir["link"]).IsFifo.Should().BeTrue();
        Sys.ReadLink(_dir["link"]).Should().Be("fifo");
    }

    [Fact]
    public void ReadLink_returns_long_targets_whole()
    {
        string target = new string('x', 200) + "/" + new string('y', 200);
        Sys.Symlink(target, _dir["long"]);

        Sys.ReadLink(_dir["long"]).Should().Be(target);
    }

    [Fact]
    public void Stat_reports_size_owner_and_inode()
    {
        File.WriteAllText(_dir["f"], "12345");
        Sys.Lchown(_dir["f"], 1234, 5678);

        var st = Sys.Stat(_dir["f"]);
        st.IsRegular.Should().BeTrue();
        st.Size.Should().Be(5);
        st.Uid.Should().Be(1234);
        st.Gid.Should().Be(5678);
        using var fd = Sys.Open(_dir["f"], OpenFlags.Path | OpenFlags.CloExec);
        Sys.Fstat(fd).Ino.Should().Be(st.Ino);
        Sys.Fstat(fd).Dev.Should().Be(st.Dev);
    }

    [Fact]
    public void TryStat_and_TryLstat_are_false_only_for_missing_paths()
    {
        Sys.TryLstat(_dir["missing"], out _).Should().BeFalse();
        Sys.TryStat(_dir["missing/below"], out _).Should().BeFalse();
        File.WriteAllText(_dir["file"], "");
        Sys.TryStat(_dir["file/below"], out _).Should().BeFalse(); // ENOTDIR
        Sys.Symlink("loop", _dir["loop"]);
        Sys.TryLstat(_dir["loop"], out var st).Should().BeTrue();
        st.IsSymlink.Should().BeTrue();

        var following = () => Sys.TryStat(_dir["loop"], out _);
        following.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.ELOOP);
    }

    [Fact]
    public void Rename_Unlink_and_Rmdir_remove_what_they_name()
    {
        File.WriteAllText(_dir["a"], "");
        Sys.Rename(_dir["a"], _dir["b"]);
        File.Exists(_dir["a"]).Should().BeFalse();
        Sys.Unlink(_dir["b"]);
        File.Exists(_dir["b"]).Should().BeFalse();
        Directory.CreateDirectory(_dir["d"]);
        Sys.Rmdir(_dir["d"]);
        Directory.Exists(_dir["d"]).Should().BeFalse();
    }

    [Fact]
    public void Fchmod_and_Fchown_change_the_open_file()
    {
        File.WriteAllText(_dir["f"], "");
        using (var fd = Sys.Open(_dir["f"], OpenFlags.ReadOnly | OpenFlags.CloExec))
        {
            Sys.Fchmod(fd, 0x124);
            Sys.Fchown(fd, 42, 43);
        }

        var st = Sys.Stat(_dir["f"]);
        st.Permissions.Should().Be(0x124u);
        (st.Uid, st.Gid).Should().Be((42u, 43u));
    }

    [Fact]
    public void Umask_returns_the_previous_mask()
    {
        uint old = Sys.Umask(0x3F);
        try
        {
            Sys.Umask(0x3F).Should().Be(0x3Fu);
        }
        finally
        {
            Sys.Umask(old);
        }
    }

    [Fact]
    public void Access_answers_without_throwing()
    {
        Sys.Access("/bin/sh", Sys.X_OK).Should().BeTrue();
        Sys.Access(_dir["missing"], Sys.F_OK).Should().BeFalse();
    }

    [Fact]
    public void Fchdir_and_Chdir_move_the_working_directory()
    {
        string before = Environment.CurrentDirectory;
        try
        {
            using var fd = Sys.Open(_dir.Path, OpenFlags.Directory | OpenFlags.ReadOnly | OpenFlags.CloExec);
            Sys.Fchdir(fd);
            Directory.GetCurrentDirectory().Should().Be(_dir.Path);
            Sys.Chdir("/");
            Directory.GetCurrentDirectory().Should().Be("/");
        }
        finally
        {
            Sys.Chdir(before);
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/proc")]
    [InlineData("/dev")]
    public void StatfsMountFlags_agree_with_mountinfo(string mountPoint)
    {
        const MountFlags compared = MountFlags.ReadOnly | MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec
            | MountFlags.NoAtime | MountFlags.NoDirAtime | MountFlags.RelAtime;
        // mountinfo field 6 holds the per-mount options, e.g. "rw,nosuid,relatime".
        string[] words = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' '))
            .Last(f => f[4] == mountPoint)[5].Split(',');
        var expected = MountFlags.None;
        foreach (var (word, flag) in new[] { ("ro", MountFlags.ReadOnly), ("nosuid", MountFlags.NoSuid), ("nodev", MountFlags.NoDev),
                     ("noexec", MountFlags.NoExec), ("noatime", MountFlags.NoAtime), ("nodiratime", MountFlags.NoDirAtime),
                     ("relatime", MountFlags.RelAtime) })
        {
            if (words.Contains(word))
                expected |= flag;
        }

        (Sys.StatfsMountFlags(mountPoint) & compared).Should().Be(expected);
        Sys.StatfsMountFlags(mountPoint).Should().NotHaveFlag(MountFlags.Remount).And.NotHaveFlag(MountFlags.Bind);
        (Sys.StatfsFlags(mountPoint) & 0x20).Should().Be(0x20UL, "the kernel always sets ST_VALID");
    }

    [Fact]
    public void MountFlagsOf_translates_relatime_which_has_another_value_in_statfs()
    {
        Sys.MountFlagsOf(Sys.ST_RDONLY | Sys.ST_RELATIME | 0x20 /* ST_VALID */)
            .Should().Be(MountFlags.ReadOnly | MountFlags.RelAtime);
    }

    [Fact]
    public void WriteAll_then_Read_through_a_file()
    {
        byte[] data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        using (var fd = Sys.Open(_dir["data"], OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.CloExec, 0x180))
            Sys.WriteAll(fd, data);

        using var input = Sys.Open(_dir["data"], OpenFlags.ReadOnly | OpenFlags.CloExec);
        var read = new byte[data.Length + 10];
        int total = 0, n;
        while ((n = Sys.Read(input, read.AsSpan(total))) > 0)
            total += n;
        read.AsSpan(0, total).SequenceEqual(data).Should().BeTrue();
    }

    [Fact]
    public void Flock_excludes_a_second_open_file_description()
    {
        File.WriteAllText(_dir["lock"], "");
        using var first = Sys.Open(_dir["lock"], OpenFlags.ReadOnly | OpenFlags.CloExec);
        using var second = Sys.Open(_dir["lock"], OpenFlags.ReadOnly | OpenFlags.CloExec);
        Sys.Flock(first, Sys.LOCK_EX);

        var contender = () => Sys.Flock(second, Sys.LOCK_EX | Sys.LOCK_NB);
        contender.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.EAGAIN);
        Sys.Flock(first, Sys.LOCK_UN);
        Sys.Flock(second, Sys.LOCK_EX | Sys.LOCK_NB);
    }

    [Fact]
    public void SetCloexec_and_CloseRange_toggle_close_on_exec()
    {
        using var fd = Sys.Open("/dev/null", OpenFlags.ReadOnly);
        IsCloexec(fd.Value).Should().BeFalse();

        Sys.SetCloexec(fd.Value, true);
        IsCloexec(fd.Value).Should().BeTrue();
        Sys.SetCloexec(fd.Value, false);
        IsCloexec(fd.Value).Should().BeFalse();
        Sys.CloseRange((uint)fd.Value, (uint)fd.Value, Sys.CLOSE_RANGE_CLOEXEC);
        IsCloexec(fd.Value).Should().BeTrue();
    }

    [Fact]
    public void SafeFd_closes_on_dispose_and_can_give_up_ownership()
    {
        var fd = Sys.Open("/dev/null", OpenFlags.ReadOnly | OpenFlags.CloExec);
        int number = fd.Value;
        fd.Dispose();
        File.Exists($"/proc/self/fd/{number}").Should().BeFalse();

        var owned = Sys.Open("/dev/null", OpenFlags.ReadOnly | OpenFlags.CloExec);
        int released = owned.Release();
        owned.Dispose();
        Sys.ReadLink($"/proc/self/fd/{released}").Should().Be("/dev/null");
        SafeFd.Own(released).Dispose();
    }

    /// <summary>/proc/self/fdinfo shows the open flags in octal; O_CLOEXEC is 02000000.</summary>
    private static bool IsCloexec(int fd)
    {
        string line = File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return (Convert.ToInt64(line["flags:".Length..].Trim(), 8) & 0x80000) != 0;
    }

    private static string ReadAll(SafeFd fd)
    {
        var buffer = new byte[4096];
        int n = Sys.Read(fd, buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
