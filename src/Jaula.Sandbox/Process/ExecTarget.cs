namespace Jaula.Sandbox.Process;

/// <summary>What the init finally executes: resolved path, argv and environment.</summary>
/// <param name="Warnings">What was asked for but could not be done and was skipped, for the parent to report.</param>
public sealed record ExecTarget(string Path, IReadOnlyList<string> Argv, IReadOnlyList<string> Env, IReadOnlyList<string> Warnings);
