using System.CommandLine;
using FluentAssertions;
using Jaula.Cli;
using Jaula.Cli.Commands;
using Xunit;

namespace Jaula.UnitTests.Cli;

/// <summary>The argv forms engines use (see shared/notes/engines.md) must all parse.</summary>
public class CommandLineTests
{
    private static ParseResult Parse(params string[] args) => JaulaCommandLine.Build().Parse(args);

    [Theory]
    [InlineData("--root", "/r", "create", "--bundle", "/b", "--pid-file", "/p", "c1")]
    [InlineData("--root=/r", "create", "--bundle=/b", "--pid-file=/p", "c1")]
    [InlineData("--root", "/r", "--log-format=json", "--log", "/l", "create", "-b", "/b", "--pid-file", "/p", "c1")]
    [InlineData("--root", "/r", "create", "c1", "/b")]
    [InlineData("--root", "/r", "--debug", "--systemd-cgroup", "create", "--no-pivot", "--no-new-keyring", "--preserve-fds", "2", "-b", "/b", "c1")]
    public void Create_forms_parse(params string[] args)
    {
        var result = Parse(args);
        result.Errors.Should().BeEmpty();
        result.CommandResult.Command.Name.Should().Be("create");
        result.GetValue(GlobalOptions.Root).Should().Be("/r");
    }

    [Fact]
    public void Globals_are_read_in_both_forms()
    {
        var result = Parse("--log-format", "json", "--log=/tmp/l", "--debug", "state", "c1");
        result.Errors.Should().BeEmpty();
        result.GetValue(GlobalOptions.LogFormat).Should().Be("json");
        result.GetValue(GlobalOptions.Log).Should().Be("/tmp/l");
        result.GetValue(GlobalOptions.Debug).Should().BeTrue();
        result.GetValue(GlobalOptions.Root).Should().Be("/run/jaula");
    }

    [Theory]
    [InlineData("kill", "c1")]
    [InlineData("kill", "c1", "KILL")]
    [InlineData("kill", "c1", "9")]
    [InlineData("kill", "--all", "c1", "SIGTERM")]
    [InlineData("kill", "-a", "c1", "15")]
    [InlineData("delete", "--force", "c1")]
    [InlineData("delete", "-f", "c1")]
    [InlineData("start", "c1")]
    [InlineData("state", "c1")]
    [InlineData("list", "-q")]
    [InlineData("list", "--format", "json")]
    [InlineData("list", "-f", "table")]
    [InlineData("run", "-d", "-b", "/b", "c1")]
    [InlineData("run", "--detach", "--bundle=/b", "--pid-file", "/p", "c1")]
    [InlineData("spec", "-b", "/tmp", "--rootless")]
    [InlineData("--version")]
    [InlineData("-v")]
    [InlineData("help", "create")]
    public void Other_verbs_parse(params string[] args) => Parse(args).Errors.Should().BeEmpty();

    [Theory]
    [InlineData("--log-format", "xml", "state", "c1")]
    [InlineData("--rootless", "maybe", "state", "c1")]
    [InlineData("create")]
    [InlineData("nosuchverb")]
    [InlineData("list", "--format", "yaml")]
    public void Bad_forms_are_errors(params string[] args) => Parse(args).Errors.Should().NotBeEmpty();

    [Fact]
    public void Create_reads_both_bundle_forms()
    {
        var flags = new CreateFlags();
        var command = new Command("create");
        flags.AddTo(command);
        var root = new RootCommand { command };
        flags.Read(root.Parse(["create", "c1", "/b1"])).Bundle.Should().Be("/b1");
        flags.Read(root.Parse(["create", "-b", "/b2", "c1"])).Bundle.Should().Be("/b2");
        flags.Read(root.Parse(["create", "c1"])).Bundle.Should().Be(Directory.GetCurrentDirectory());
        var options = flags.Read(root.Parse(["create", "--pid-file", "/p", "--preserve-fds", "3", "--no-pivot", "c1"]));
        options.Should().Match<Jaula.Runtime.Lifecycle.CreateOptions>(o => o.PidFile == "/p" && o.PreserveFds == 3 && o.NoPivot && o.Id == "c1");
    }

    [Fact]
    public void Version_has_runc_s_three_lines_and_the_dotnet_version()
    {
        var lines = JaulaCommandLine.VersionText().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4);
        lines[0].Should().StartWith("jaula version ");
        lines[1].Should().StartWith("commit: ");
        lines[2].Should().Be("spec: 1.3.0");
        lines[3].Should().Be($"dotnet: {Environment.Version}");
    }
}
