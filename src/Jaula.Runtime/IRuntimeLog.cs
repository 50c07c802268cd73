namespace Jaula.Runtime;

/// <summary>Where the lifecycle reports warnings and --debug detail; the CLI decides the format and the sink.</summary>
public interface IRuntimeLog
{
    void Debug(string message);
    void Warn(string message);
}

public sealed class NullRuntimeLog : IRuntimeLog
{
    public static readonly NullRuntimeLog Instance = new();
    public void Debug(string message) { }
    public void Warn(string message) { }
}
