using FluentAssertions;
using Jaula.Oci;
using Jaula.Runtime;
using Jaula.Runtime.Rootless;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>The rootless checks on a host laid out in a temp dir: each missing piece gives its own clear error.</summary>
public sealed class RootlessTests : IDisposable
{
    private const uint Uid = 1500, Gid = 1500;
    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-unit-rootless-").FullName;

    private RootlessHost Host(string subuid = "alice:100000:65536\n", string subgid = "alice:100000:65536\n", bool helpers = true,
        string maxUserNamespaces = "15000\n")
    {
        File.WriteAllText(Path.Combine(_dir, "subuid"), subuid);
        File.WriteAllText(Path.Combine(_dir, "subgid"), subgid);
        File.WriteAllText(Path.Combine(_dir, "max_user_namespaces"), maxUserNamespaces);
        if (helpers)
        {
            File.WriteAllText(Path.Combine(_dir, "newuidmap"), "");
            File.WriteAllText(Path.Combine(_dir, "newgidmap"), "");
        }
        return new RootlessHost(Path.Combine(_dir, "subuid"), Path.Combine(_dir, "subgid"), Path.Combine(_dir, "newuidmap"),
            Path.Combine(_dir, "newgidmap"), Path.Combine(_dir, "max_user_namespaces"));
    }

    private static Spec Mapped(params IdMapping[] ranges) =>
        new() { OciVersion = "1.3.0", Linux = new LinuxSpec { UidMappings = [.. ranges], GidMappings = [.. ranges] } };

    private static readonly Spec s_ownIdOnly = Mapped(new IdMapping { ContainerId = 0, HostId = Uid, Size = 1 });
    private static readonly Spec s_severalRanges = Mapped(new IdMapping { ContainerId = 0, HostId = Uid, Size = 1 },
        new IdMapping { ContainerId = 1, HostId = 100000, Size = 65536 });

    [Fact]
    public void The_callers_own_id_needs_neither_helpers_nor_subordinate_ids()
    {
        var mapper = new RootlessIdMapper(Host(subuid: "", subgid: "", helpers: false), Uid, Gid, "alice");
        mapper.IsOwnIdOnly(s_ownIdOnly).Should().BeTrue();
        mapper.Invoking(m => m.Check(s_ownIdOnly)).Should().NotThrow();
    }

    [Fact]
    public void Several_ranges_without_a_subuid_entry_say_so()
    {
        var mapper = new RootlessIdMapper(Host(subuid: "bob:100000:65536\n"), Uid, Gid, "alice");
        mapper.Invoking(m => m.Check(s_severalRanges)).Should().Throw<JaulaException>()
            .WithMessage("linux.uidMappings*subuid has no entry for alice*");
    }

    [Fact]
    public void Several_ranges_without_newuidmap_say_so()
    {
        var mapper = new RootlessIdMapper(Host(helpers: false), Uid, Gid, "alice");
        mapper.Invoking(m => m.Check(s_severalRanges)).Should().Throw<JaulaException>()
            .WithMessage("linux.uidMappings*newuidmap, which is missing (apt-get install uidmap)*");
    }

    [Fact]
    public void User_namespaces_switched_off_are_reported_first()
    {
        var mapper = new RootlessIdMapper(Host(maxUserNamespaces: "0\n"), Uid, Gid, "alice");
        mapper.Invoking(m => m.Check(s_ownIdOnly)).Should().Throw<JaulaException>()
            .WithMessage("*max_user_namespaces is 0*");
    }

    [Fact]
    public void Subordinate_entries_match_by_name_or_uid()
    {
        var host = Host(subuid: "alice:100000:65536\n1500:200000:10\nbob:300000:5\nbroken line\n");
        RootlessHost.Subordinate(host.SubUid, "alice", Uid).Should().Equal((100000u, 65536u), (200000u, 10u));
    }

    [Theory]
    [InlineData("         0          0 4294967295\n", false)]
    [InlineData("         0       1000          1\n", true)]
    public void Only_the_identity_map_is_the_initial_user_namespace(string uidMap, bool inUserNamespace) =>
        RootlessMode.InUserNamespace(uidMap).Should().Be(inUserNamespace);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
