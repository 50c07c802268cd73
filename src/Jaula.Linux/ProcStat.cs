namespace Jaula.Linux;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat the runtime uses. <see cref="StartTime"/> (clock ticks after boot) tells a
/// process apart from a later one that reuses its pid.
/// </summary>
public readonly record struct ProcStat(int Pid, char State, int PPid, ulong StartTime);
