using System.Buffers.Binary;
using System.Text;
using Jaula.Sandbox.Rootfs.Plan;

namespace Jaula.Sandbox.Process;

/// <summary>
/// The whole init of a container the C init serves (native/c_init.h): the rootfs plan (the process's settings
/// included), args[0] and HOME to find in the built root, and the final-phase plan, all decided in the parent. <see cref="Encode"/> writes the flat layout c_init_decode.c reads.
/// </summary>
public sealed record CInitProgram
{
    public const uint Magic = 0x3143494A; // "JIC1"
    public const int MaxBytes = 16 << 20;
    public const uint FlagAddHome = 0x1;
    public const uint FlagHooksDue = 0x2;
    public const uint FlagExec = 0x4;
    public const uint FlagExecChroot = 0x8;
    public const uint FlagTiming = 0x10;

    public required RootfsPlan Rootfs { get; init; }

    /// <summary>Its Path is replaced by the resolved args[0] (and HOME appended to Env with <see cref="AddHome"/>).</summary>
    public required FinalPhasePlan Final { get; init; }

    /// <summary>The environment lacks HOME: the C init adds <see cref="HomeUid"/>'s from the container's /etc/passwd.</summary>
    public bool AddHome { get; init; }
    public uint HomeUid { get; init; }

    /// <summary>
    /// prestart/createRuntime hooks: at the rootfs plan's BeforePivot pause the C init sends HooksDue and waits for
    /// the parent's HooksDone, the managed init's sync point for them.
    /// </summary>
    public bool HooksDue { get; init; }

    /// <summary>
    /// `exec` (native/c_init.h, JAULA_INIT_EXEC): the frame carries the container's mount namespace fd, the rootfs plan
    /// holds only the process's operations and the final phase reports on the sync socket.
    /// </summary>
    public bool Exec { get; init; }

    /// <summary>With <see cref="Exec"/>: the fd is the init's root directory, chrooted into (no mount namespace of its own).</summary>
    public bool ExecChroot { get; init; }

    /// <summary>`--debug`: the C init sends how long each group of its operations took, just before READY.</summary>
    public bool Timing { get; init; }

    /// <summary>process.cwd, where a relative args[0] is found (the plan's Chdir operation entered it).</summary>
    public required string Cwd { get; init; }

    /// <summary>process.args[0] as configured.</summary>
    public required string Name { get; init; }

    /// <summary>The PATH a name without '/' is searched in.</summary>
    public required string SearchPath { get; init; }

    /// <summary>
    /// The hooks the init runs (createContainer, then startContainer), each as HookProcess would run it: the argv
    /// and environment already decided.
    /// </summary>
    public IReadOnlyList<CInitHook> Hooks { get; init; } = [];

    /// <summary>The state JSON on a createContainer hook's stdin (status creating); null when there is none.</summary>
    public byte[]? CreateState { get; init; }

    /// <summary>The state JSON on a startContainer hook's stdin (status created); null when there is none.</summary>
    public byte[]? StartState { get; init; }

    public const int MaxHooks = 256;

    public byte[] Encode()
    {
        byte[] rootfs = Rootfs.Encode();
        byte[] final = Final.Encode();
        var w = new List<byte>(64 + rootfs.Length + final.Length);
        U32(w, Magic);
        U32(w, 0); // the total length, patched below
        U32(w, (AddHome ? FlagAddHome : 0) | (HooksDue ? FlagHooksDue : 0) | (Exec ? FlagExec : 0) | (ExecChroot ? FlagExecChroot : 0)
            | (Timing ? FlagTiming : 0));
        U32(w, HomeUid);
        U32(w, (uint)rootfs.Length);
        U32(w, (uint)final.Length);
        U32(w, (uint)Hooks.Count);
        String(w, Cwd, "process.cwd");
        String(w, Name, "process.args[0]");
        String(w, SearchPath, "process.env (PATH)");
        Bytes(w, CreateState, "hooks.createContainer");
        Bytes(w, StartState, "hooks.startContainer");
        foreach (var hook in Hooks)
        {
            string field = $"hooks.{(hook.Kind == CInitHookKind.CreateContainer ? "createContainer" : "startContainer")}[{hook.Index}]";
            U32(w, (uint)hook.Kind);
            U32(w, (uint)hook.Index);
            U32(w, hook.Timeout is null ? 0u : 1u);
            U32(w, (uint)Math.Max(0, hook.Timeout ?? 0));
            String(w, hook.Path, field + ".path");
            U32(w, (uint)hook.Argv.Count);
            foreach (string a in hook.Argv)
                String(w, a, field + ".args");
            U32(w, (uint)hook.Env.Count);
            foreach (string e in hook.Env)
                String(w, e, field + ".env");
        }
        Pad8(w);
        w.AddRange(rootfs);
        Pad8(w);
        w.AddRange(final);
        if (w.Count > MaxBytes)
            throw new ContainerSetupException("process", $"the init's program takes {w.Count} bytes, more than the {MaxBytes} the C init accepts");
        byte[] bytes = [.. w];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)bytes.Length);
        return bytes;
    }

    /// <summary>Bytes as a string (u32 length with a NUL, the bytes, the NUL); 0 for null.</summary>
    private static void Bytes(List<byte> w, byte[]? bytes, string field)
    {
        if (bytes is null)
        {
            U32(w, 0);
            return;
        }
        if (Array.IndexOf(bytes, (byte)0) >= 0)
            throw new ContainerSetupException(field, "the state contains a NUL byte");
        U32(w, (uint)bytes.Length + 1);
        w.AddRange(bytes);
        w.Add(0);
    }

    private static void U32(List<byte> w, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        w.AddRange(b);
    }

    private static void Pad8(List<byte> w)
    {
        while (w.Count % 8 != 0)
            w.Add(0);
    }

    /// <summary>u32 length with the NUL, the UTF-8 bytes, the NUL.</summary>
    private static void String(List<byte> w, string s, string field)
    {
        if (s.Contains('\0'))
            throw new ContainerSetupException(field, "contains a NUL character");
        var bytes = Encoding.UTF8.GetBytes(s);
        U32(w, (uint)bytes.Length + 1);
        w.AddRange(bytes);
        w.Add(0);
    }
}

public enum CInitHookKind : uint
{
    CreateContainer = 1,
    StartContainer = 2,
}

/// <summary>One hook the C init runs (native/c_init.h): its path, the whole argv and environment, the timeout.</summary>
public sealed record CInitHook(CInitHookKind Kind, int Index, string Path, IReadOnlyList<string> Argv, IReadOnlyList<string> Env, int? Timeout);
