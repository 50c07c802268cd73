namespace Jaula.IntegrationTests.Harness;

/// <summary>What one invocation of the binary produced.</summary>
public sealed record CommandResult(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Shown in assertion messages so a failure explains itself.</summary>
    public override string ToString() =>
        $"`{string.Join(' ', Args)}` exited {ExitCode}{Environment.NewLine}" +
        $"--- stdout ---{Environment.NewLine}{Stdout}{Environment.NewLine}" +
        $"--- stderr ---{Environment.NewLine}{Stderr}";
}
