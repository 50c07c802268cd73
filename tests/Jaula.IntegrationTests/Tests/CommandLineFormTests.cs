using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>The argument spellings engines use: `--x v` and `--x=v`, short flags, the spec's positional bundle.</summary>
public sealed class CommandLineFormTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Create_accepts_the_bundle_as_second_positional_argument()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "60");

        Jaula.Invoke("create", id, bundle.Dir).ShouldSucceed();

        Jaula.State(id).Should().Match<ContainerState>(s => s.Status == "created" && s.Bundle == bundle.Dir);
    }

    [Theory]
    [InlineData("--bundle=")]
    [InlineData("-b")]
    public void Create_accepts_other_bundle_flag_spellings(string flag)
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "60");
        string[] bundleArgs = flag.EndsWith('=') ? [flag + bundle.Dir] : [flag, bundle.Dir];

        Jaula.Invoke(["create", .. bundleArgs, id]).ShouldSucceed();

        Jaula.State(id).Bundle.Should().Be(bundle.Dir);
    }

    [Fact]
    public void Create_without_a_bundle_uses_the_current_directory()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "60");

        Jaula.InvokeIn(bundle.Dir, "create", id).ShouldSucceed();

        Jaula.State(id).Bundle.Should().Be(bundle.Dir);
    }

    [Theory]
    [InlineData("--no-pivot")]
    [InlineData("--no-new-keyring")]
    [InlineData("--preserve-fds", "0")]
    [InlineData("--preserve-fds=0")]
    public void Run_accepts_the_flags_engines_pass_to_create(params string[] flags)
    {
        Jaula.Run(NewId(), NewBundle("true"), flags).ShouldSucceed();
    }

    [Fact]
    public void Global_root_accepts_the_equals_form()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "60");

        Jaula.InvokeRaw($"--root={Jaula.Root}", "create", "--bundle", bundle.Dir, id).ShouldSucceed();

        Directory.Exists(Path.Combine(Jaula.Root, id)).Should().BeTrue("the state lives under --root");
        Jaula.State(id).Status.Should().Be("created");
    }

    [Fact]
    public void Global_flags_are_accepted_before_the_verb()
    {
        Jaula.InvokeRaw("--debug", "--log-format", "text", "--root", Jaula.Root, "list").ShouldSucceed();
    }
}
