using Jaula.Cgroups;

namespace Jaula.Cgroups.Tests;

public class CgroupPathResolverTests
{
    [Theory]
    [InlineData("/jaula-it/c1", "c1", "/user.slice", "/jaula-it/c1")]
    [InlineData("/a//b/./c/", "c1", "/", "/a/b/c")]
    [InlineData("sub/c1", "c1", "/user.slice/session-1", "/user.slice/session-1/sub/c1")]
    [InlineData("", "c1", "/process_x", "/process_x/c1")]
    [InlineData(null, "c1", "/", "/c1")]
    public void Resolves_like_runc_fs_driver(string? cgroupsPath, string id, string own, string expected) =>
        CgroupPathResolver.Inner(cgroupsPath, id, own).Should().Be(expected);

    [Theory]
    [InlineData("/../../etc")]
    [InlineData("a/../../b")]
    [InlineData("..")]
    public void Dot_dot_is_refused(string path)
    {
        var act = () => CgroupPathResolver.Inner(path, "c1", "/");
        act.Should().Throw<CgroupException>().WithMessage("linux.cgroupsPath:*..*");
    }

    [Fact]
    public void The_root_cgroup_is_refused()
    {
        var act = () => CgroupPathResolver.Inner("/", "c1", "/");
        act.Should().Throw<CgroupException>().WithMessage("*root cgroup*");
    }

    [Fact]
    public void Own_cgroups_are_found_per_hierarchy()
    {
        var own = OwnCgroups.Parse(["4:memory:/process_api/abc", "2:cpuacct,cpu:/x", "0::/u"]);
        own.PathOf("memory").Should().Be("/process_api/abc");
        own.PathOf("cpu,cpuacct").Should().Be("/x");
        own.PathOf("").Should().Be("/u");
        own.PathOf("pids").Should().Be("/");
    }
}
