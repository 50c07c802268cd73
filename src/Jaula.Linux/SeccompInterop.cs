using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>One argument comparison of a seccomp rule; <see cref="Op"/> is libseccomp's enum scmp_compare (1 NE .. 7 MASKED_EQ).</summary>
public readonly record struct SeccompArgCompare(uint Index, uint Op, ulong Value, ulong ValueTwo);

/// <summary>One libseccomp rule: a syscall name, an SCMP_ACT_* value (errno folded in) and up to six comparisons, ANDed.</summary>
public sealed record SeccompRuleDescription(string Name, uint Action, IReadOnlyList<SeccompArgCompare> Args);

/// <summary>What libseccomp needs to build a filter; architectures are libseccomp's names ("x86_64", "x32").</summary>
public sealed record SeccompFilterDescription(uint DefaultAction, IReadOnlyList<string> Architectures, IReadOnlyList<SeccompRuleDescription> Rules);

/// <summary>Which part of a <see cref="SeccompFilterDescription"/> libseccomp refused, and why.</summary>
public sealed class SeccompCompileException(string what, int index, int errno)
    : Exception($"libseccomp refused the {what}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}")
{
    /// <summary>"default", "architecture" or "rule".</summary>
    public string What { get; } = what;

    /// <summary>The index of the architecture or rule at fault (-1 for the default action).</summary>
    public int Index { get; } = index;

    public int Errno { get; } = errno;
}

/// <summary>
/// The seccomp half of the C stage library (native/seccomp_filter.h): libseccomp, linked statically, compiles a filter
/// to BPF; installing is one seccomp(2) call (a notifying filter's; the others are loaded by native/final_phase.c).
/// Only the AOT binary links it; under the JIT these throw DllNotFoundException.
/// </summary>
public static unsafe partial class SeccompInterop
{
    public const uint FlagTsync = 1;
    public const uint FlagLog = 2;
    public const uint FlagSpecAllow = 4;
    public const uint FlagNewListener = 8;
    public const uint FlagWaitKillableRecv = 32;

    /// <summary>BPF_MAXINSNS (4096) instructions of 8 bytes.</summary>
    public const int MaxBpfBytes = 4096 * 8;

    private const int MaxArgs = 6;

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeArg
    {
        public uint Index;
        public uint Op;
        public ulong Value;
        public ulong ValueTwo;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeRule
    {
        public byte* Name;
        public uint Action;
        public uint ArgCount;
        public NativeArg* Args;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeFilter
    {
        public uint DefaultAction;
        public uint ArchCount;
        public byte** Arches;
        public uint RuleCount;
        public NativeRule* Rules;
    }

    [LibraryImport("libjaulastage", EntryPoint = "jaula_seccomp_compile")]
    private static partial int NativeCompile(NativeFilter* filter, byte* output, uint capacity, int* failedItem);

    [LibraryImport("libjaulastage", EntryPoint = "jaula_seccomp_syscall_known")]
    private static partial int NativeSyscallKnown(byte* name);

    [LibraryImport("libjaulastage", EntryPoint = "jaula_seccomp_version")]
    private static partial int NativeVersion();

    [LibraryImport("libjaulastage", EntryPoint = "jaula_seccomp_install")]
    private static partial int NativeInstall(byte* bpf, uint length, uint flags);

    /// <summary>Compiles the filter to classic BPF (struct sock_filter[]), as libseccomp's seccomp_export_bpf writes it.</summary>
    public static byte[] Compile(SeccompFilterDescription filter)
    {
        using var strings = new NativeStringArrays();
        var rules = new NativeRule[filter.Rules.Count];
        var args = new NativeArg[filter.Rules.Sum(r => r.Args.Count)];
        int nextArg = 0;
        var output = new byte[MaxBpfBytes];
        fixed (NativeRule* rulesPtr = rules)
        fixed (NativeArg* argsPtr = args)
        fixed (byte* outputPtr = output)
        {
            for (int i = 0; i < rules.Length; i++)
            {
                var rule = filter.Rules[i];
                if (rule.Args.Count > MaxArgs)
                    throw new ArgumentException($"rule {i} has {rule.Args.Count} argument comparisons, at most {MaxArgs}", nameof(filter));
                rules[i] = new NativeRule
                {
                    Name = strings.Add(rule.Name),
                    Action = rule.Action,
                    ArgCount = (uint)rule.Args.Count,
                    Args = argsPtr + nextArg,
                };
                foreach (var a in rule.Args)
                    args[nextArg++] = new NativeArg { Index = a.Index, Op = a.Op, Value = a.Value, ValueTwo = a.ValueTwo };
            }
            var native = new NativeFilter
            {
                DefaultAction = filter.DefaultAction,
                ArchCount = (uint)filter.Architectures.Count,
                Arches = strings.AddArray(filter.Architectures),
                RuleCount = (uint)rules.Length,
                Rules = rulesPtr,
            };
            int failed;
            int rc = NativeCompile(&native, outputPtr, (uint)output.Length, &failed);
            if (rc < 0)
            {
                throw failed switch
                {
                    -1 => new SeccompCompileException("default", -1, -rc),
                    < -1 => new SeccompCompileException("architecture", -2 - failed, -rc),
                    _ => new SeccompCompileException("rule", failed, -rc),
                };
            }
            return output[..rc];
        }
    }

    /// <summary>The linked libseccomp's version, major * 10000 + minor * 100 + micro (20504 for 2.5.4).</summary>
    public static int LibseccompVersion => NativeVersion();

    /// <summary>True when libseccomp knows <paramref name="name"/> as a syscall on this machine's architecture.</summary>
    public static bool SyscallKnown(string name)
    {
        using var strings = new NativeStringArrays();
        return NativeSyscallKnown(strings.Add(name)) == 1;
    }

    /// <summary>Installs the filter on the calling thread; returns the listener fd with <see cref="FlagNewListener"/>, else null.</summary>
    public static SafeFd? Install(ReadOnlySpan<byte> bpf, uint flags)
    {
        fixed (byte* p = bpf)
        {
            int rc = NativeInstall(p, (uint)bpf.Length, flags);
            if (rc < 0)
                throw new ErrnoException("seccomp", "SECCOMP_SET_MODE_FILTER", -rc);
            return (flags & FlagNewListener) != 0 ? SafeFd.Own(rc) : null;
        }
    }
}
