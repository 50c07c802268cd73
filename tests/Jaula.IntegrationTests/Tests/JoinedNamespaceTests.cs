using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>linux.namespaces[].path: a container joins another's namespaces instead of making new ones.</summary>
public sealed class JoinedNamespaceTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    // Config type -> the file under /proc/<pid>/ns.
    private static readonly (string Type, string File)[] s_shared = [("network", "net"), ("uts", "uts"), ("ipc", "ipc")];

    [Fact]
    public void Network_uts_and_ipc_joined_by_path_are_the_other_containers()
    {
        int pidA = CreateContainerA(NewBundle("sleep", "60"));

        CommandResult result = RunScript(string.Join("; ", s_shared.Select(n => $"readlink /proc/self/ns/{n.File}")), b =>
        {
            // Setting a hostname in a joined uts namespace would rename A.
            b.Config.Remove("hostname");
            foreach (var (type, file) in s_shared)
            {
                b.SetNamespace(type, $"/proc/{pidA}/ns/{file}");
            }
        });

        result.ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().Equal(s_shared.Select(n => NamespaceOf(pidA, n.File)));
        NamespaceOf(pidA, "net").Should().NotBe(NamespaceOf(Environment.ProcessId, "net"), "A has a network namespace of its own");
    }

    [Fact]
    public void A_process_joining_a_pid_namespace_is_visible_inside_the_other_container()
    {
        // A lists its processes once told to, through a file the host can write.
        Bundle bundleA = NewBundle("sh", "-c",
            "while [ ! -e /tmp/go ]; do sleep 0.05; done; ps > /tmp/ps.new; mv /tmp/ps.new /tmp/ps; exec sleep 60");
        string idA = NewId();
        Jaula.RunDetached(idA, bundleA).ShouldSucceed();
        int pidA = Jaula.State(idA).Pid;
        string idB = NewId();

        Jaula.RunDetached(idB, NewBundle(b => b.SetNamespace("pid", $"/proc/{pidA}/ns/pid"), "sleep", "4321")).ShouldSucceed();
        Jaula.State(idB);
        File.WriteAllText(bundleA.HostPath("/tmp/go"), "");

        WaitForFile(bundleA.HostPath("/tmp/ps")).Should().Contain("sleep 4321");
    }

    [Fact]
    public void A_missing_namespace_path_fails_naming_the_entry()
    {
        string id = NewId();
        int index = -1;
        Bundle bundle = NewBundle(b => index = b.SetNamespace("network", "/nonexistent/jaula-it-netns"), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, $"linux.namespaces[{index}].path", "no such file");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    private int CreateContainerA(Bundle bundle)
    {
        string id = NewId();
        Jaula.Create(id, bundle).ShouldSucceed();
        return Jaula.State(id).Pid;
    }

    /// <summary>e.g. "net:[4026532181]": equal for two processes exactly when they share the namespace.</summary>
    private static string NamespaceOf(int pid, string file) => new FileInfo($"/proc/{pid}/ns/{file}").LinkTarget!;
}
