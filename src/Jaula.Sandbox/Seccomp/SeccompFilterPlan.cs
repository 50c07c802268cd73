using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Seccomp;

/// <summary>
/// Turns linux.seccomp into what libseccomp is asked to build, with runc's rules for what config-linux.md leaves
/// open: a rule whose action is the default is dropped (libseccomp refuses it); several comparisons of one argument
/// become one rule each (ORed, libseccomp cannot AND them), otherwise a rule's comparisons are ANDed; unknown syscall
/// names are skipped later, by the native side. Every refusal names its field.
/// </summary>
/// <param name="RuleFields">For each rule of <paramref name="Filter"/>, the config field it came from.</param>
public sealed record SeccompFilterPlan(SeccompFilterDescription Filter, uint Flags, bool Listener, IReadOnlyList<string> RuleFields)
{
    private const string Field = "linux.seccomp";
    private const string ArchPrefix = "SCMP_ARCH_";

    public static SeccompFilterPlan From(SeccompSpec seccomp)
    {
        uint defaultAction = Action(seccomp.DefaultAction, seccomp.DefaultErrnoRet, $"{Field}.defaultAction", $"{Field}.defaultErrnoRet");
        if (defaultAction == SeccompActions.Notify)
            throw new ContainerSetupException($"{Field}.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action: jaula's own last steps would wait on the agent");

        var rules = new List<SeccompRuleDescription>();
        var ruleFields = new List<string>();
        bool notify = false;
        for (int i = 0; i < (seccomp.Syscalls?.Count ?? 0); i++)
        {
            var syscall = seccomp.Syscalls![i];
            string field = $"{Field}.syscalls[{i}]";
            uint action = Action(syscall.Action, syscall.ErrnoRet, $"{field}.action", $"{field}.errnoRet");
            if (action == SeccompActions.Notify)
            {
                notify = true;
                if (syscall.Names.Contains("write"))
                    throw new ContainerSetupException($"{field}.names", "SCMP_ACT_NOTIFY cannot apply to write: the init reports to jaula with write after the filter is installed");
            }
            if (action == defaultAction)
                continue;
            var args = Comparisons(syscall.Args, $"{field}.args");
            for (int n = 0; n < syscall.Names.Count; n++)
            {
                foreach (var rule in RulesFor(syscall.Names[n], action, args))
                {
                    rules.Add(rule);
                    ruleFields.Add($"{field}.names[{n}]");
                }
            }
        }

        uint flags = ParseFlags(seccomp.Flags);
        if (notify)
        {
            if (string.IsNullOrEmpty(seccomp.ListenerPath))
                throw new ContainerSetupException($"{Field}.listenerPath", "is required when a rule uses SCMP_ACT_NOTIFY: the notify fd goes to the agent listening there");
            flags |= SeccompInterop.FlagNewListener;
        }
        else if ((flags & SeccompInterop.FlagWaitKillableRecv) != 0)
        {
            throw new ContainerSetupException($"{Field}.flags", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a rule with SCMP_ACT_NOTIFY");
        }
        var architectures = (seccomp.Architectures ?? []).Select(Architecture).ToList();
        return new SeccompFilterPlan(new SeccompFilterDescription(defaultAction, architectures, rules), flags, notify, ruleFields);
    }

    private static uint Action(string name, uint? errnoRet, string field, string errnoField)
    {
        if (errnoRet > SeccompActions.MaxErrno)
            throw new ContainerSetupException(errnoField, $"{errnoRet} does not fit in the 16 bits seccomp returns (at most {SeccompActions.MaxErrno})");
        return SeccompActions.Parse(name, errnoRet)
            ?? throw new ContainerSetupException(field, $"unknown action \"{name}\"");
    }

    private static List<SeccompArgCompare> Comparisons(List<SeccompArg>? args, string field)
    {
        var result = new List<SeccompArgCompare>();
        for (int i = 0; i < (args?.Count ?? 0); i++)
        {
            var arg = args![i];
            if (arg.Index > 5)
                throw new ContainerSetupException($"{field}[{i}].index", $"must be between 0 and 5, found {arg.Index}");
            uint op = SeccompOperators.Parse(arg.Op)
                ?? throw new ContainerSetupException($"{field}[{i}].op", $"unknown operator \"{arg.Op}\"");
            result.Add(new SeccompArgCompare(arg.Index, op, arg.Value, arg.ValueTwo ?? 0));
        }
        return result;
    }

    private static IEnumerable<SeccompRuleDescription> RulesFor(string name, uint action, List<SeccompArgCompare> args)
    {
        bool repeatsAnIndex = args.Select(a => a.Index).Distinct().Count() < args.Count;
        if (!repeatsAnIndex)
            return [new SeccompRuleDescription(name, action, args)];
        return args.Select(a => new SeccompRuleDescription(name, action, [a]));
    }

    /// <summary>TSYNC is accepted and not passed: the filter is installed on the one thread that execs the process.</summary>
    private static uint ParseFlags(List<string>? names)
    {
        uint flags = 0;
        for (int i = 0; i < (names?.Count ?? 0); i++)
        {
            flags |= names![i] switch
            {
                "SECCOMP_FILTER_FLAG_TSYNC" => 0,
                "SECCOMP_FILTER_FLAG_LOG" => SeccompInterop.FlagLog,
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => SeccompInterop.FlagSpecAllow,
                "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => SeccompInterop.FlagWaitKillableRecv,
                var other => throw new ContainerSetupException($"{Field}.flags[{i}]", $"unknown flag \"{other}\""),
            };
        }
        return flags;
    }

    /// <summary>"SCMP_ARCH_X86_64" to libseccomp's "x86_64"; libseccomp adds x86/x32 handling itself.</summary>
    private static string Architecture(string name) =>
        name.StartsWith(ArchPrefix, StringComparison.Ordinal) ? name[ArchPrefix.Length..].ToLowerInvariant() : name;
}
