using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Seccomp;

/// <summary>
/// linux.seccomp to a <see cref="SeccompProgram"/>, compiled by libseccomp in the parent so that a bad filter fails
/// `create` with the field at fault and the init only installs bytes.
/// </summary>
public static class SeccompCompiler
{
    /// <param name="cache">Where compiled filters are kept, or null to always compile.</param>
    public static SeccompProgram? Compile(SeccompSpec? seccomp, SeccompCache? cache)
    {
        if (seccomp is null)
            return null;
        var plan = SeccompFilterPlan.From(seccomp);
        byte[]? key = cache is null ? null : SeccompCache.Key(plan.Filter, SeccompInterop.LibseccompVersion);
        byte[]? bpf = key is null ? null : cache!.TryRead(key);
        if (bpf is null)
        {
            bpf = CompileNow(plan);
            if (key is not null)
                cache!.TryWrite(key, bpf);
        }
        return new SeccompProgram { Bpf = bpf, Flags = plan.Flags, Listener = plan.Listener };
    }

    private static byte[] CompileNow(SeccompFilterPlan plan)
    {
        try
        {
            return SeccompInterop.Compile(plan.Filter);
        }
        catch (SeccompCompileException e)
        {
            throw new ContainerSetupException(FieldOf(e, plan), Explain(e), e);
        }
    }

    private static string FieldOf(SeccompCompileException e, SeccompFilterPlan plan) => e.What switch
    {
        "architecture" => $"linux.seccomp.architectures[{e.Index}]",
        "rule" when e.Index < plan.RuleFields.Count => plan.RuleFields[e.Index],
        _ => "linux.seccomp.defaultAction",
    };

    private static string Explain(SeccompCompileException e) => (e.What, e.Errno) switch
    {
        ("architecture", Errno.EDOM) => "not an architecture the libseccomp linked into jaula (2.5) knows",
        ("rule", Errno.EEXIST) => "conflicts with an earlier rule for the same syscall",
        (_, Errno.E2BIG) => "the filter is larger than the kernel's limit of 4096 BPF instructions",
        _ => e.Message,
    };
}
