using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>Help for every verb, the generated man pages rendered by man(1), and the completion scripts run by their shells.</summary>
public sealed class DocumentationTests(StateRoot stateRoot) : ContainerTest(stateRoot), IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-docs-").FullName;

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Dispose();
    }

    private static readonly string[] Verbs =
        ["create", "start", "run", "state", "kill", "delete", "list", "spec", "check", "exec", "pause", "resume", "ps", "update", "events", "features"];

    [Fact]
    public void Every_verb_has_help_with_its_usage()
    {
        foreach (string verb in Verbs)
        {
            string help = Jaula.InvokeRaw(verb, "--help").ShouldSucceed().Stdout;
            help.Should().Contain("Usage:").And.Contain(verb, "`jaula {0} --help` names the verb", verb);
            Jaula.InvokeRaw("help", verb).ShouldSucceed().Stdout.Should().Be(help);
        }
    }

    [Fact]
    public void Man_pages_render_cleanly_and_document_each_flag()
    {
        Jaula.InvokeRaw("generate", "man", _dir).ShouldSucceed();

        Directory.GetFiles(_dir).Select(Path.GetFileName).Should().Contain(["jaula.8", "jaula-create.8", "jaula-kill.8", "jaula-check.8"]);
        foreach (string page in Directory.GetFiles(_dir))
        {
            CommandResult lint = RunCommandLine("groff", "-man", "-Tutf8", "-ww", "-z", page);
            lint.Stderr.Should().BeEmpty("groff finds no problem in {0}", page);
        }
        string create = Render("jaula-create.8");
        create.Should().Contain("JAULA-CREATE(8)").And.Contain("-b, --bundle bundle").And.Contain("--pid-file pid-file")
            .And.Contain("--no-pivot\n");
        Render("jaula.8").Should().Contain("--root root").And.Contain("jaula-create(8)");
    }

    [Fact]
    public void Bash_completion_offers_verbs_flags_and_container_ids()
    {
        string script = Path.Join(_dir, "jaula.bash");
        File.WriteAllText(script, Jaula.InvokeRaw("generate", "completion", "bash").ShouldSucceed().Stdout);
        string id = NewId();
        Jaula.Create(id, NewBundle("true")).ShouldSucceed();

        Complete(script, "jaula", "cr").Should().Be("create");
        Complete(script, "jaula", "create", "--pid-f").Should().Be("--pid-file");
        Complete(script, "jaula", "--root", Jaula.Root, "delete", "").Split(' ').Should().Contain(id);
    }

    [Fact]
    public void Zsh_completion_is_valid_zsh()
    {
        string script = Path.Join(_dir, "_jaula");
        File.WriteAllText(script, Jaula.InvokeRaw("generate", "completion", "zsh").ShouldSucceed().Stdout);

        RunCommandLine("zsh", "-n", script).Stderr.Should().BeEmpty();
        File.ReadAllText(script).Should().StartWith("#compdef jaula").And.Contain("'(-b --bundle)'{-b,--bundle}");
    }

    private string Render(string page)
    {
        CommandResult result = RunCommandLine("man", "-l", Path.Join(_dir, page));
        return result.Stdout.Replace("\u2010", "-"); // man may print hyphens as U+2010 in UTF-8 locales
    }

    /// <summary>Runs bash's completion function on the words typed so far and returns COMPREPLY.</summary>
    private string Complete(string script, params string[] words)
    {
        string quoted = string.Join(' ', words.Select(w => $"'{w}'"));
        string body = $"PATH={Path.GetDirectoryName(Jaula.Binary)}:$PATH; source '{script}'; COMP_WORDS=({quoted}); " +
            $"COMP_CWORD={words.Length - 1}; _jaula; echo \"${{COMPREPLY[*]}}\"";
        return RunCommandLine("bash", "-c", body).Stdout.Trim();
    }

    private static CommandResult RunCommandLine(string file, params string[] args)
    {
        using var command = RunningCommand.Start("env", ["MANWIDTH=100", file, .. args]);
        return command.Wait(TimeSpan.FromMinutes(1));
    }
}
