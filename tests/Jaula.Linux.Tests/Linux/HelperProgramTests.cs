namespace Jaula.Linux.Tests.Linux;

public class HelperProgramTests
{
    [Fact]
    public void Captures_stdout_stderr_and_the_status_apart()
    {
        var run = HelperProgram.Run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]);

        run.Status.Should().Be(3);
        run.Stdout.Should().Be("out\n");
        run.Stderr.Should().Be("err\n");
    }

    [Fact]
    public void A_bare_name_is_found_in_PATH_and_gets_its_name_as_argv0()
    {
        var run = HelperProgram.Run("sh", ["-c", "echo \"$0\""]);

        run.Status.Should().Be(0);
        run.Stdout.Should().Be("sh\n");
    }

    [Fact]
    public void Stdin_is_empty_and_the_environment_is_passed_on()
    {
        string name = $"JAULA_HELPER_TEST_{Environment.ProcessId}";
        Environment.SetEnvironmentVariable(name, "here");
        try
        {
            var run = HelperProgram.Run("/bin/sh", ["-c", $"cat; echo \"${name}\""]);

            run.Stdout.Should().Be("here\n");
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Large_output_on_both_streams_does_not_stall()
    {
        // More than a pipe holds (64 kB) on each stream, written alternately: reading one stream to its end
        // before the other would deadlock here.
        var run = HelperProgram.Run("/bin/sh", ["-c", "i=0; while [ $i -lt 400 ]; do head -c 1000 /dev/zero | tr '\\0' o; head -c 1000 /dev/zero | tr '\\0' e >&2; i=$((i+1)); done"]);

        run.Status.Should().Be(0);
        run.Stdout.Should().HaveLength(400_000).And.MatchRegex("^o+$");
        run.Stderr.Should().HaveLength(400_000).And.MatchRegex("^e+$");
    }

    [Fact]
    public void A_name_missing_from_PATH_is_ENOENT_and_says_where_it_looked()
    {
        var act = () => HelperProgram.Run("jaula-no-such-helper", []);

        act.Should().Throw<ErrnoException>().Which.Errno.Should().Be(Errno.ENOENT);
        act.Should().Throw<ErrnoException>().WithMessage("*jaula-no-such-helper*PATH*");
    }

    [Fact]
    public void A_helper_killed_by_a_signal_reports_128_plus_the_signal()
    {
        var run = HelperProgram.Run("/bin/sh", ["-c", "kill -KILL $$"]);

        run.Status.Should().Be(128 + 9);
    }
}
