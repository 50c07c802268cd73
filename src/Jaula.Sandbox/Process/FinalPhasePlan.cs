using System.Buffers.Binary;
using System.Text;
using Jaula.Sandbox.Capabilities;

namespace Jaula.Sandbox.Process;

/// <summary>
/// What the init's final phase in C does (native/final_phase.h): C# decides every value here before anything
/// irreversible happens; <see cref="Encode"/> writes the flat little-endian layout that final_phase.c decodes.
/// </summary>
public sealed record FinalPhasePlan
{
    public const uint Magic = 0x3150464A; // "JFP1"
    public const int MaxBytes = 16 << 20;
    public const int MaxGroups = 65536;

    public const uint FlagNoNewPrivileges = 0x1;
    public const uint FlagSetGroups = 0x2;
    public const uint FlagFifoOpen = 0x4;
    public const uint FlagPersonality = 0x8;
    public const uint FlagEarlyListener = 0x10;
    public const uint FlagReady = 0x20;
    public const uint FlagFifoPipe = 0x40;

    public required uint Uid { get; init; }
    public required uint Gid { get; init; }
    public IReadOnlyList<uint> Groups { get; init; } = [];

    /// <summary>False where /proc/self/setgroups says deny and no group is asked for: setgroups is not called.</summary>
    public bool SetGroups { get; init; } = true;

    /// <summary>Effective, permitted, inheritable and ambient; the bounding set was dropped by C# before.</summary>
    public CapabilitySet Capabilities { get; init; }
    public bool NoNewPrivileges { get; init; }

    /// <summary>The compiled filter (struct sock_filter[]), or empty for none.</summary>
    public byte[] Bpf { get; init; } = [];

    /// <summary>seccomp(2) flags; SECCOMP_FILTER_FLAG_NEW_LISTENER exactly when <see cref="EarlyListener"/>.</summary>
    public uint SeccompFlags { get; init; }

    /// <summary>
    /// The filter notifies an agent: the C code loads it while the parent still listens on <see cref="ReportFd"/>, sends
    /// the listener's fd number (a SeccompListener frame) and waits for HAND_OVER before it goes on.
    /// </summary>
    public bool EarlyListener { get; init; }

    /// <summary>`create` with <see cref="EarlyListener"/>: the C code writes READY itself, then waits on the exec fifo under the filter.</summary>
    public bool Ready { get; init; }

    /// <summary>
    /// With <see cref="Ready"/> and startContainer hooks: <see cref="FifoFd"/> is the read end of a pipe on which the
    /// init's hooks thread sends the exec fifo's fd number, open, once the hooks succeeded (end of file: they failed).
    /// </summary>
    public bool FifoPipe { get; init; }

    /// <summary>The exec fifo: an O_PATH fd to reopen for writing, or with <see cref="FifoOpen"/> one already open; -1 for none.</summary>
    public int FifoFd { get; init; } = -1;
    public bool FifoOpen { get; init; }

    /// <summary>A sync socket the parent listens on for an ERROR frame (exec), or -1: failures go to stderr.</summary>
    public int ReportFd { get; init; } = -1;

    /// <summary>The init's /proc/self/fd (O_PATH), opened before pivot_root, to reopen the fifo through; -1: /proc/self/fd.</summary>
    public int FdDirectory { get; init; } = -1;

    /// <summary>Every fd from this one up becomes close-on-exec (3 + the preserved fds).</summary>
    public int KeepFdsFrom { get; init; } = 3;
    public uint? Personality { get; init; }

    public required string Path { get; init; }
    public required string ContainerId { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    public required IReadOnlyList<string> Env { get; init; }

    /// <summary>Pointer slots the decoder needs for argv and envp, each NULL-terminated.</summary>
    public int PointerSlots => Argv.Count + Env.Count + 2;

    public byte[] Encode()
    {
        if (Groups.Count > MaxGroups)
            throw new ContainerSetupException("process.user.additionalGids", $"{Groups.Count} groups, the kernel allows at most {MaxGroups}");
        if (Argv.Count == 0)
            throw new ContainerSetupException("process.args", "must not be empty");
        var w = new Writer();
        w.U32(Magic);
        w.U32(0); // the total length, patched below
        w.U32(Flags);
        w.U32(Uid);
        w.U32(Gid);
        w.U32((uint)FifoFd);
        w.U32((uint)ReportFd);
        w.U32((uint)FdDirectory);
        w.U32((uint)KeepFdsFrom);
        w.U32(Personality ?? 0);
        w.U32(SeccompFlags);
        w.U64(Capabilities.Effective);
        w.U64(Capabilities.Permitted);
        w.U64(Capabilities.Inheritable);
        w.U64(Capabilities.Ambient);
        w.U32((uint)Groups.Count);
        foreach (uint g in Groups)
            w.U32(g);
        w.Pad8();
        w.U32((uint)Bpf.Length);
        w.Pad8();
        w.Bytes(Bpf);
        w.Pad8();
        w.String(Path, "process.args[0]");
        w.String(ContainerId, "id");
        w.Strings(Argv, "process.args");
        w.Strings(Env, "process.env");
        if (w.Length > MaxBytes)
            throw new ContainerSetupException("process", $"args and env take {w.Length} bytes, more than the {MaxBytes} the final phase accepts");
        var bytes = w.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)bytes.Length);
        return bytes;
    }

    private uint Flags =>
        (NoNewPrivileges ? FlagNoNewPrivileges : 0) | (SetGroups ? FlagSetGroups : 0) | (FifoOpen ? FlagFifoOpen : 0)
        | (Personality is not null ? FlagPersonality : 0) | (EarlyListener ? FlagEarlyListener : 0) | (Ready ? FlagReady : 0)
        | (FifoPipe ? FlagFifoPipe : 0);

    private sealed class Writer
    {
        private readonly MemoryStream _out = new();

        public int Length => (int)_out.Length;

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            _out.Write(b);
        }

        public void U64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, v);
            _out.Write(b);
        }

        public void Bytes(ReadOnlySpan<byte> b) => _out.Write(b);

        public void Pad8()
        {
            while (_out.Length % 8 != 0)
                _out.WriteByte(0);
        }

        /// <summary>u32 length with the NUL, the UTF-8 bytes, the NUL; a NUL inside cannot reach execve.</summary>
        public void String(string s, string field)
        {
            if (s.Contains('\0'))
                throw new ContainerSetupException(field, "contains a NUL character");
            var bytes = Encoding.UTF8.GetBytes(s);
            U32((uint)bytes.Length + 1);
            _out.Write(bytes);
            _out.WriteByte(0);
        }

        public void Strings(IReadOnlyList<string> list, string field)
        {
            U32((uint)list.Count);
            for (int i = 0; i < list.Count; i++)
                String(list[i], $"{field}[{i}]");
        }

        public byte[] ToArray() => _out.ToArray();
    }
}
