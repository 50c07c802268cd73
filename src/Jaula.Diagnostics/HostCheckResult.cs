namespace Jaula.Diagnostics;

/// <summary>One line of `jaula check`: what was looked at, how it stands, why, and what to do about it.</summary>
/// <param name="Area">A group such as "kernel", "namespaces", "cgroups".</param>
/// <param name="Name">The feature, e.g. "user namespaces".</param>
/// <param name="Essential">When missing, not even a default container can run.</param>
public sealed record HostCheckResult(string Area, string Name, CheckStatus Status, string Detail, string? Fix = null, bool Essential = false)
{
    public static HostCheckResult Ok(string area, string name, string detail, bool essential = false) =>
        new(area, name, CheckStatus.Ok, detail, null, essential);

    public static HostCheckResult Warn(string area, string name, string detail, string? fix = null) =>
        new(area, name, CheckStatus.Warning, detail, fix);

    public static HostCheckResult Missing(string area, string name, string detail, string? fix = null, bool essential = false) =>
        new(area, name, CheckStatus.Missing, detail, fix, essential);
}
