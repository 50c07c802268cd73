using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`spec` writes a starting config.json that create accepts, and never overwrites one.</summary>
public sealed class SpecTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Spec_writes_a_config_that_create_accepts()
    {
        string id = NewId();
        Bundle bundle = NewBundle();
        File.Delete(bundle.ConfigPath);

        Jaula.Invoke("spec", "-b", bundle.Dir).ShouldSucceed();

        bundle.Reload();
        bundle.Config["root"]!["path"] = bundle.RootfsDir;
        // The generated config asks for a terminal, which needs a --console-socket; a test has none.
        bundle.Process["terminal"] = false;
        bundle.Save();
        Jaula.Create(id, bundle).ShouldSucceed();
        Jaula.State(id).Status.Should().Be("created");
    }

    [Fact]
    public void Spec_refuses_to_overwrite_an_existing_config()
    {
        Bundle bundle = NewBundle("true");
        string before = File.ReadAllText(bundle.ConfigPath);

        Jaula.Invoke("spec", "--bundle", bundle.Dir).ShouldFailWith("config.json");

        File.ReadAllText(bundle.ConfigPath).Should().Be(before);
    }
}
