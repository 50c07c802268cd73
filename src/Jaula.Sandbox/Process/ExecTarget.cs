using Jaula.Sandbox.Capabilities;

namespace Jaula.Sandbox.Process;

/// <summary>
/// What the init finally does, decided in C#: the resolved path, argv and environment, and the credentials and
/// capabilities the final phase in C gives the process (<see cref="FinalPhasePlan"/>).
/// </summary>
/// <param name="Warnings">What was asked for but could not be done and was skipped, for the parent to report.</param>
public sealed record ExecTarget(string Path, IReadOnlyList<string> Argv, IReadOnlyList<string> Env, IReadOnlyList<string> Warnings)
{
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public IReadOnlyList<uint> Groups { get; init; } = [];
    public bool SetGroups { get; init; } = true;
    public CapabilitySet Capabilities { get; init; }
    public bool NoNewPrivileges { get; init; }
}
