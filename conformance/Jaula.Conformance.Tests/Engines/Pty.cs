using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// Runs a client under a pseudo-terminal (util-linux `script`), for the -t/-it forms that refuse a stdin that is not a
/// terminal. The output is the terminal's: carriage returns, NULs and the echo of the control characters `script` sends at
/// the end of its stdin (^@, ^D) are dropped so it compares as plain lines.
/// </summary>
public static class Pty
{
    public static CommandResult Run(TimeSpan timeout, string fileName, params string[] args)
    {
        string commandLine = string.Join(' ', new[] { fileName }.Concat(args).Select(Quote));
        using var command = RunningCommand.Start("/usr/bin/script", ["-qec", commandLine, "/dev/null"]);
        CommandResult result = command.Wait(timeout);
        return result with { Args = [fileName, .. args], Stdout = Clean(result.Stdout) };
    }

    private static string Clean(string terminalOutput) =>
        terminalOutput.Replace("\r", "").Replace("\0", "").Replace("^@", "").Replace("^D", "");

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''") + "'";
}
