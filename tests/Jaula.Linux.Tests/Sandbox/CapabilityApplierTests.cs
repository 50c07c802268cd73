using Jaula.Sandbox;
using Jaula.Sandbox.Capabilities;

namespace Jaula.Linux.Tests.Sandbox;

/// <summary>
/// Capabilities belong to a thread, so each test changes them on a thread of its own, which then exits: the rest of
/// the test process keeps its capabilities.
/// </summary>
public class CapabilityApplierTests
{
    private const int CAP_CHOWN = 0, CAP_KILL = 5, CAP_SETPCAP = 8, CAP_NET_BIND_SERVICE = 10, CAP_SYS_ADMIN = 21, CAP_SYS_RESOURCE = 24;

    [Fact]
    public void ApplyBounding_then_Apply_leave_exactly_the_requested_sets()
    {
        RequireRoot();
        var set = new CapabilitySet(
            Bounding: Bits(CAP_CHOWN, CAP_KILL, CAP_SETPCAP, CAP_NET_BIND_SERVICE),
            Effective: Bits(CAP_KILL, CAP_NET_BIND_SERVICE),
            Permitted: Bits(CAP_KILL, CAP_NET_BIND_SERVICE, CAP_CHOWN),
            Inheritable: Bits(CAP_KILL),
            Ambient: Bits(CAP_KILL));

        var (caps, bounding, ambient) = OnOwnThread(() =>
        {
            CapabilityApplier.ApplyBounding(set);
            CapabilityApplier.Apply(set);
            return (Sys.CapGet(), Sys.CapBoundingSet(), ReadStatusMask("CapAmb"));
        });

        bounding.Should().Be(set.Bounding);
        caps.Should().Be((set.Effective, set.Permitted, set.Inheritable));
        ambient.Should().Be(set.Ambient);
        Sys.CapGet().Permitted.Should().NotBe(set.Permitted, "only the worker thread changed");
    }

    [Fact]
    public void Apply_names_a_capability_the_thread_does_not_hold()
    {
        RequireRoot();
        var error = OnOwnThread(() =>
        {
            Sys.CapSet(Bits(CAP_KILL), Bits(CAP_KILL), 0);
            return Catch(() => CapabilityApplier.Apply(new CapabilitySet(0, Bits(CAP_KILL), Bits(CAP_KILL, CAP_SYS_ADMIN), 0, 0)));
        });

        error.Should().NotBeNull();
        error!.Field.Should().Be("process.capabilities");
        error.Message.Should().Be("process.capabilities: CAP_SYS_ADMIN is not in the host's capability bounding set, so the container cannot have it");
    }

    [Fact]
    public void Apply_explains_an_effective_capability_missing_from_permitted()
    {
        RequireRoot();
        var error = OnOwnThread(() =>
            Catch(() => CapabilityApplier.Apply(new CapabilitySet(0, Bits(CAP_KILL, CAP_CHOWN), Bits(CAP_KILL), 0, 0))));

        error!.Message.Should().Be("process.capabilities.effective: CAP_CHOWN must also be in process.capabilities.permitted");
    }

    [Fact]
    public void Apply_explains_an_ambient_capability_that_is_not_inheritable()
    {
        RequireRoot();
        var error = OnOwnThread(() =>
            Catch(() => CapabilityApplier.Apply(new CapabilitySet(0, Bits(CAP_KILL), Bits(CAP_KILL), 0, Bits(CAP_KILL)))));

        error!.Message.Should().Be("process.capabilities.ambient: CAP_KILL can only be ambient if it is also permitted and inheritable");
    }

    [Fact]
    public void Restrict_warns_about_what_the_host_cannot_grant()
    {
        RequireRoot();
        var warnings = new List<string>();
        var wanted = new CapabilitySet(
            Bounding: Bits(CAP_KILL, CAP_SYS_RESOURCE), Effective: Bits(CAP_KILL, CAP_CHOWN),
            Permitted: Bits(CAP_KILL, CAP_SYS_RESOURCE), Inheritable: 0, Ambient: Bits(CAP_KILL));

        var granted = GrantableCapabilities.Restrict(wanted, warnings);

        bool hostHasResource = Sys.CapBoundingHas(CAP_SYS_RESOURCE);
        granted.Effective.Should().Be(Bits(CAP_KILL));
        granted.Ambient.Should().Be(0);
        granted.Permitted.Should().Be(hostHasResource ? wanted.Permitted : Bits(CAP_KILL));
        warnings.Should().Contain("process.capabilities.effective: CAP_CHOWN cannot be granted (the kernel requires it in the permitted set), ignored");
        if (!hostHasResource)
        {
            warnings.Should().Contain("process.capabilities.permitted: CAP_SYS_RESOURCE is not in the host's capability bounding set, so the container runs without it");
        }
    }

    [Fact]
    public void LastCap_agrees_with_the_bounding_set_probe()
    {
        int last = Sys.LastCap();

        last.Should().BeGreaterThanOrEqualTo(40);
        var beyond = () => Sys.CapBoundingHas(last + 1);
        beyond.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.EINVAL);
    }

    private static ulong Bits(params int[] caps) => caps.Aggregate(0UL, (mask, cap) => mask | (1UL << cap));

    private static void RequireRoot()
    {
        if (!Sys.CapBoundingHas(CAP_SETPCAP) || (Sys.CapGet().Effective & Bits(CAP_SETPCAP, CAP_KILL, CAP_CHOWN)) == 0)
            throw new InvalidOperationException("these tests need to run as root");
    }

    private static ContainerSetupException? Catch(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (ContainerSetupException e)
        {
            return e;
        }
    }

    private static T OnOwnThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("the worker thread failed", failure);
    }

    /// <summary>A capability mask from /proc/thread-self/status, e.g. "CapAmb:\t0000000000000020".</summary>
    private static ulong ReadStatusMask(string field)
    {
        string line = File.ReadAllLines("/proc/thread-self/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return Convert.ToUInt64(line[(field.Length + 1)..].Trim(), 16);
    }
}
