namespace Jaula.Oci;

/// <summary>linux.seccomp: libseccomp's names, errno only where an action returns one, listener settings paired.</summary>
internal static class SeccompRules
{
    private const string Field = "linux.seccomp";
    private const uint MaxArgumentIndex = 5; // syscalls take at most six arguments

    public static void Check(Spec spec, Problems problems)
    {
        var seccomp = spec.Linux?.Seccomp;
        if (seccomp is null)
        {
            return;
        }
        CheckAction(seccomp.DefaultAction, seccomp.DefaultErrnoRet, $"{Field}.defaultAction", $"{Field}.defaultErrnoRet", problems);
        Items.RequireKnown(seccomp.Architectures, $"{Field}.architectures", KnownNames.SeccompArchitectures, "architecture", problems);
        Items.RequireKnown(seccomp.Flags, $"{Field}.flags", KnownNames.SeccompFlags, "flag", problems);
        if (!string.IsNullOrEmpty(seccomp.ListenerMetadata) && string.IsNullOrEmpty(seccomp.ListenerPath))
        {
            problems.Add($"{Field}.listenerMetadata", "must not be set without listenerPath: it is sent to the agent listening there");
        }
        Items.Each(seccomp.Syscalls, $"{Field}.syscalls", problems, (syscall, field) => CheckSyscall(syscall, field, problems));
    }

    private static void CheckSyscall(SeccompSyscall syscall, string field, Problems problems)
    {
        var names = FieldPath.Property(field, "names");
        if (syscall.Names is not { Count: > 0 })
        {
            problems.Add(names, "must list at least one syscall name, e.g. [\"mount\"]");
        }
        Items.Each(syscall.Names, names, problems, (name, nameField) =>
        {
            if (name.Length == 0)
            {
                problems.Add(nameField, "must not be empty: give a syscall name such as \"mount\"");
            }
        });
        CheckAction(syscall.Action, syscall.ErrnoRet, FieldPath.Property(field, "action"), FieldPath.Property(field, "errnoRet"), problems);
        Items.Each(syscall.Args, FieldPath.Property(field, "args"), problems, (arg, argField) => CheckArg(arg, argField, problems));
    }

    private static void CheckAction(string action, uint? errnoRet, string actionField, string errnoField, Problems problems)
    {
        if (!KnownNames.SeccompActions.Contains(action))
        {
            problems.Add(actionField, $"unknown action \"{action}\": use {KnownNames.OneOf(KnownNames.SeccompActions)}");
        }
        else if (errnoRet is not null && !KnownNames.SeccompErrnoActions.Contains(action))
        {
            problems.Add(errnoField, $"only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE, but the action is {action}: remove it or change the action");
        }
    }

    private static void CheckArg(SeccompArg arg, string field, Problems problems)
    {
        if (arg.Index > MaxArgumentIndex)
        {
            problems.Add(FieldPath.Property(field, "index"), $"must be between 0 and 5 (a syscall has at most six arguments), found {arg.Index}");
        }
        if (!KnownNames.SeccompOperators.Contains(arg.Op))
        {
            problems.Add(FieldPath.Property(field, "op"), $"unknown operator \"{arg.Op}\": use {KnownNames.OneOf(KnownNames.SeccompOperators)}");
        }
    }
}
