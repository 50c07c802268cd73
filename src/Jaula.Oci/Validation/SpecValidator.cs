namespace Jaula.Oci;

/// <summary>
/// Checks a parsed config against the rules of runtime-spec 1.x for a Linux container that is about to be
/// created. The serializer has already checked types and required properties; these are the rules JSON types
/// cannot express. Problems come in document order, each with the field's JSON path.
/// </summary>
public static class SpecValidator
{
    public static IReadOnlyList<SpecProblem> Validate(Spec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new Problems();
        VersionRules.Check(spec, problems);
        RootRules.Check(spec, problems);
        ProcessRules.Check(spec, problems);
        HostnameRules.Check(spec, problems);
        MountRules.Check(spec, problems);
        HookRules.Check(spec, problems);
        AnnotationRules.Check(spec, problems);
        CheckLinux(spec, problems);
        return problems;
    }

    /// <summary>Checks a process `exec` runs (from --process or the container's process with flags applied).</summary>
    public static IReadOnlyList<SpecProblem> ValidateProcess(ProcessSpec process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var problems = new Problems();
        ProcessRules.CheckProcess(process, problems);
        return problems;
    }

    private static void CheckLinux(Spec spec, Problems problems)
    {
        NamespaceRules.Check(spec, problems);
        IdMappingRules.Check(spec, problems);
        TimeOffsetRules.Check(spec, problems);
        DeviceRules.Check(spec, problems);
        NetDeviceRules.Check(spec, problems);
        ResourceRules.Check(spec, problems);
        SysctlRules.Check(spec, problems);
        FilesystemRules.Check(spec, problems);
        SeccompRules.Check(spec, problems);
        MemoryPolicyRules.Check(spec, problems);
        PersonalityRules.Check(spec, problems);
        IntelRdtRules.Check(spec, problems);
    }
}
