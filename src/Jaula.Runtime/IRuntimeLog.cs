namespace Jaula.Runtime;

/// <summary>Where the lifecycle reports warnings and --debug detail; the CLI decides the format and the sink.</summary>
public interface IRuntimeLog
{
    void Debug(string message);
    void Warn(string message);

    /// <summary>Whether Debug lines go anywhere: work done only to be logged (the C init's timing) is skipped otherwise.</summary>
    bool DebugEnabled => false;
}

public sealed class NullRuntimeLog : IRuntimeLog
{
    public static readonly NullRuntimeLog Instance = new();
    public void Debug(string message) { }
    public void Warn(string message) { }
}
