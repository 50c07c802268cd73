using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace Jaula.UnitTests.Sandbox;

/// <summary>
/// The C init's hook runner (native/c_init_hooks.c) run by a small driver (hook_run_check.c) outside any container:
/// what it reports when it cannot watch the hook, and that a hook past its timeout is killed even when it left the
/// process group the runner kills.
/// </summary>
public sealed partial class CInitHookRunTests
{
    private static readonly PlanCheckDriver s_driver = new("hook_run_check.c", "c_init_hooks.c", "hook_run_check", "child_signals.c");

    private static (int Rc, long Ms, string Message) Run(int timeout, bool failPoll, params string[] argv)
    {
        string output = s_driver.Invoke(["run", timeout.ToString(), failPoll ? "1" : "0", .. argv]);
        var m = Outcome().Match(output);
        m.Success.Should().BeTrue(output);
        return (int.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value), m.Groups[3].Value);
    }

    [Fact]
    public void A_hook_that_exits_zero_succeeds()
    {
        Run(5, false, "/bin/sh", "-c", "cat >/dev/null").Rc.Should().Be(0);
    }

    [Fact]
    public void A_poll_failure_is_reported_as_itself_not_as_a_timeout()
    {
        var (rc, ms, message) = Run(0, true, "/bin/sleep", "30");

        rc.Should().Be(-1);
        message.Should().Be("hooks.createContainer[0]: /bin/sleep could not be waited for and was killed: poll: Cannot allocate memory");
        ms.Should().BeLessThan(10_000, "the hook was killed, not waited for");
    }

    [Fact]
    public void A_hook_past_its_timeout_is_killed_even_out_of_its_group()
    {
        string driver = s_driver.Invoke("path").Trim(); // the driver runs itself as the hook

        var (rc, ms, message) = Run(1, false, driver, "leave-group");

        rc.Should().Be(-1);
        message.Should().Be($"hooks.createContainer[0]: {driver} did not finish within its timeout of 1 s and was killed");
        ms.Should().BeLessThan(10_000, "the hook itself was killed, not only its (empty) group");
    }

    [GeneratedRegex(@"^rc=(-?\d+) ms=(\d+) msg=(.*)\n$", RegexOptions.Singleline)]
    private static partial Regex Outcome();
}
