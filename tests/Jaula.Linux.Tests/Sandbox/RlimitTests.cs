using Jaula.Sandbox;
using Jaula.Sandbox.Rlimits;

namespace Jaula.Linux.Tests.Sandbox;

public class RlimitTests
{
    private const int CAP_SYS_RESOURCE = 24;

    [Theory]
    [InlineData("RLIMIT_CPU", 0)]
    [InlineData("RLIMIT_CORE", 4)]
    [InlineData("RLIMIT_NPROC", 6)]
    [InlineData("RLIMIT_NOFILE", 7)]
    [InlineData("RLIMIT_AS", 9)]
    [InlineData("RLIMIT_MSGQUEUE", 12)]
    [InlineData("RLIMIT_RTTIME", 15)]
    public void TryParse_maps_names_to_resources(string name, int resource)
    {
        RlimitNames.TryParse(name, out int parsed).Should().BeTrue();
        parsed.Should().Be(resource);
        RlimitNames.Name(resource).Should().Be(name);
    }

    [Theory]
    [InlineData("NOFILE")]
    [InlineData("rlimit_nofile")]
    [InlineData("RLIMIT_FOO")]
    public void TryParse_rejects_other_spellings(string name)
    {
        RlimitNames.TryParse(name, out _).Should().BeFalse();
    }

    [Fact]
    public void Apply_of_the_current_limits_succeeds()
    {
        var (soft, hard) = Sys.GetRlimit(4);

        RlimitApplier.Apply(4, soft, hard, "process.rlimits[0]");

        Sys.GetRlimit(4).Should().Be((soft, hard));
    }

    [Fact]
    public void Apply_rejects_a_soft_limit_above_the_hard_limit()
    {
        var act = () => RlimitApplier.Apply(7, 2048, 1024, "process.rlimits[1]");

        act.Should().Throw<ContainerSetupException>()
            .WithMessage("process.rlimits[1]: RLIMIT_NOFILE soft limit 2048 is above its hard limit 1024");
    }

    [Fact]
    public void Apply_explains_why_a_hard_limit_cannot_be_raised()
    {
        if (Sys.CapBoundingHas(CAP_SYS_RESOURCE))
            return; // this host could raise it; the test would change the test process's limit
        var (soft, hard) = Sys.GetRlimit(7);
        ulong wanted = hard + 1;

        var act = () => RlimitApplier.Apply(7, soft, wanted, "process.rlimits[2]");

        act.Should().Throw<ContainerSetupException>().WithMessage(
            $"process.rlimits[2]: RLIMIT_NOFILE hard limit {wanted} is above the host's hard limit {hard}, and raising it " +
            $"needs CAP_SYS_RESOURCE, which this host does not grant; ask for at most {hard}");
        Sys.GetRlimit(7).Should().Be((soft, hard));
    }
}
