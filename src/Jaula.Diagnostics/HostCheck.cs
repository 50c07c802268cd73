namespace Jaula.Diagnostics;

/// <summary>Everything `jaula check` reports, and whether a default container (`jaula spec`) can run here.</summary>
public sealed record HostCheckReport(bool CanRunDefaultContainer, IReadOnlyList<HostCheckResult> Checks);

public static class HostCheck
{
    public static HostCheckReport Run(HostView host, IKernelProbe kernel)
    {
        List<HostCheckResult> checks =
        [
            .. KernelChecks.Run(host, kernel),
            .. NamespaceChecks.Run(host),
            .. CgroupChecks.Run(host),
            .. SecurityChecks.Run(host, kernel),
            .. EnvironmentChecks.Run(host, kernel),
        ];
        bool canRun = !checks.Any(c => c.Essential && c.Status == CheckStatus.Missing);
        return new HostCheckReport(canRun, checks);
    }
}
