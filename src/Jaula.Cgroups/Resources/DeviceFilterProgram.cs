using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Cgroups.Resources;

/// <summary>
/// The cgroup v2 device controller: a BPF_PROG_TYPE_CGROUP_DEVICE program generated from the device rules. The
/// kernel calls it with struct bpf_cgroup_dev_ctx { u32 access_type (access &lt;&lt; 16 | type); u32 major; u32 minor; }
/// and allows the access when it returns 1. Rules are checked last first, so the last matching rule wins, as with
/// v1's devices.allow/deny sequence; an access no rule matches is denied.
/// </summary>
public static class DeviceFilterProgram
{
    private const int TypeBlock = 1, TypeChar = 2;
    private const int AccessMknod = 1, AccessRead = 2, AccessWrite = 4;

    // struct bpf_insn opcodes used here.
    private const byte LdxMemW = 0x61;   // BPF_LDX | BPF_MEM | BPF_W
    private const byte Alu32AndK = 0x54; // BPF_ALU | BPF_AND | BPF_K
    private const byte Alu32RshK = 0x74; // BPF_ALU | BPF_RSH | BPF_K
    private const byte Alu32MovX = 0xbc; // BPF_ALU | BPF_MOV | BPF_X
    private const byte JneK = 0x55;      // BPF_JMP | BPF_JNE | BPF_K
    private const byte Mov64K = 0xb7;    // BPF_ALU64 | BPF_MOV | BPF_K
    private const byte Exit = 0x95;      // BPF_JMP | BPF_EXIT

    public static ulong[] Generate(IReadOnlyList<DeviceCgroupRule> rules)
    {
        var program = new List<ulong>
        {
            Insn(LdxMemW, dst: 2, src: 1, off: 0),
            Insn(Alu32AndK, dst: 2, imm: 0xffff),   // r2 = type
            Insn(LdxMemW, dst: 3, src: 1, off: 0),
            Insn(Alu32RshK, dst: 3, imm: 16),       // r3 = access
            Insn(LdxMemW, dst: 4, src: 1, off: 4),  // r4 = major
            Insn(LdxMemW, dst: 5, src: 1, off: 8),  // r5 = minor
        };
        // The verifier refuses unreachable code: nothing follows a rule that matches every access.
        for (int i = rules.Count - 1; i >= 0; i--)
        {
            var block = Block(rules[i], i);
            program.AddRange(block);
            if (block.Count == 2)
                return [.. program];
        }
        program.Add(Insn(Mov64K, dst: 0, imm: 0));
        program.Add(Insn(Exit));
        return [.. program];
    }

    /// <summary>Loads the program and attaches it to the cgroup directory (alongside programs the parents have).</summary>
    public static void Attach(string cgroupDir, IReadOnlyList<DeviceCgroupRule> rules)
    {
        const string field = "linux.resources.devices";
        try
        {
            using var program = Sys.BpfProgLoad(Sys.BPF_PROG_TYPE_CGROUP_DEVICE, Generate(rules), "Apache");
            using var dir = Sys.Open(cgroupDir, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.CloExec);
            Sys.BpfProgAttach(dir, program, Sys.BPF_CGROUP_DEVICE, Sys.BPF_F_ALLOW_MULTI);
        }
        catch (ErrnoException e)
        {
            throw new CgroupException($"{field}: attach the eBPF device program to {cgroupDir}: {e.Message}", e);
        }
    }

    /// <summary>Each test that fails jumps past the block's end, to the next (earlier) rule.</summary>
    private static List<ulong> Block(DeviceCgroupRule rule, int index)
    {
        var checks = new List<(byte Code, byte Dst, byte Src, int Imm, bool Jump)>();
        string type = string.IsNullOrEmpty(rule.Type) ? "a" : rule.Type;
        if (type != "a")
        {
            int t = type switch
            {
                "c" => TypeChar,
                "b" => TypeBlock,
                _ => throw new CgroupException($"linux.resources.devices[{index}].type: \"{type}\" is not a, b or c"),
            };
            checks.Add((JneK, 2, 0, t, true));
        }
        int access = Access(rule.Access, index);
        if (access != (AccessMknod | AccessRead | AccessWrite))
        {
            checks.Add((Alu32MovX, 1, 3, 0, false));      // r1 = access
            checks.Add((Alu32AndK, 1, 0, ~access, false)); // r1 &= ~allowed
            checks.Add((JneK, 1, 0, 0, true));            // anything else asked: not this rule
        }
        if (rule.Major is { } major and >= 0)
            checks.Add((JneK, 4, 0, (int)major, true));
        if (rule.Minor is { } minor and >= 0)
            checks.Add((JneK, 5, 0, (int)minor, true));

        int length = checks.Count + 2;
        var block = new List<ulong>(length);
        for (int i = 0; i < checks.Count; i++)
        {
            var c = checks[i];
            short off = c.Jump ? (short)(length - (i + 1)) : (short)0;
            block.Add(Insn(c.Code, c.Dst, c.Src, off, c.Imm));
        }
        block.Add(Insn(Mov64K, dst: 0, imm: rule.Allow ? 1 : 0));
        block.Add(Insn(Exit));
        return block;
    }

    private static int Access(string? access, int index)
    {
        if (string.IsNullOrEmpty(access))
            return AccessMknod | AccessRead | AccessWrite;
        int bits = 0;
        foreach (char c in access)
        {
            bits |= c switch
            {
                'm' => AccessMknod,
                'r' => AccessRead,
                'w' => AccessWrite,
                _ => throw new CgroupException($"linux.resources.devices[{index}].access: \"{access}\" may only hold r, w and m"),
            };
        }
        return bits;
    }

    /// <summary>struct bpf_insn as one little-endian u64: code, dst|src&lt;&lt;4, s16 off, s32 imm.</summary>
    internal static ulong Insn(byte code, byte dst = 0, byte src = 0, short off = 0, int imm = 0) =>
        code | ((ulong)(byte)((src << 4) | dst) << 8) | ((ulong)(ushort)off << 16) | ((ulong)(uint)imm << 32);
}
