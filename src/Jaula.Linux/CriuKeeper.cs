using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>
/// criu run under the C keeper (native/criu_keeper.h): a child subreaper between jaula and criu that kills criu and
/// everything reparented to it when jaula dies (its control socket reads end-of-file) or says so, and that leaves
/// the restored tree to the kernel's reparenting only when told <see cref="Release"/>. Disposing without a release
/// kills what the keeper holds and reaps the keeper. Only the AOT binary links the keeper (libjaulastage.a).
/// </summary>
public sealed unsafe partial class CriuKeeper : IDisposable
{
    private const int Started = 1, Exited = 2, Failed = 3;
    private const byte Go = (byte)'G', ReleaseWord = (byte)'R', KillWord = (byte)'K';
    private static readonly string[] Steps = ["", "prctl(PR_SET_CHILD_SUBREAPER)", "fork", "exec", "", "wait"];

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeRequest
    {
        public byte* Path;
        public byte** Argv;
        public byte** Envp;
        public int StdinFd;
        public int StdoutFd;
        public int StderrFd;
        public int Fd3;
        public int HoldFd;
    }

    [LibraryImport("libjaulastage", EntryPoint = "jaula_keeper_spawn")]
    private static partial int NativeSpawn(NativeRequest* request, int* pid, int* ctl);

    private readonly SafeFd _ctl;
    private readonly string _path;
    private bool _reaped;

    private CriuKeeper(int pid, SafeFd ctl, string path)
    {
        Pid = pid;
        _ctl = ctl;
        _path = path;
    }

    /// <summary>The keeper's pid (criu's parent).</summary>
    public int Pid { get; }

    /// <summary>criu's pid once <see cref="StartCriu"/> returned.</summary>
    public int CriuPid { get; private set; }

    /// <summary>
    /// Clones the keeper; it waits for <see cref="Go"/> before it starts criu as <paramref name="request"/> says.
    /// <paramref name="hold"/> stays open in the keeper until it exits (the container's lock) and never reaches criu.
    /// </summary>
    public static CriuKeeper Start(SpawnRequest request, SafeFd? hold)
    {
        using var strings = new NativeStringArrays();
        var native = new NativeRequest
        {
            Path = strings.Add(request.Path),
            Argv = strings.AddArray(request.Argv),
            Envp = strings.AddArray(request.Env),
            StdinFd = request.Stdin.Value,
            StdoutFd = request.Stdout.Value,
            StderrFd = request.Stderr.Value,
            Fd3 = request.Fd3?.Value ?? -1,
            HoldFd = hold?.Value ?? -1,
        };
        int pid, ctl;
        int rc = NativeSpawn(&native, &pid, &ctl);
        GC.KeepAlive(request);
        if (rc < 0)
            throw new ErrnoException("clone", "criu keeper", -rc);
        return new CriuKeeper(pid, SafeFd.Own(ctl), request.Path);
    }

    /// <summary>Lets the keeper start criu; returns criu's pid.</summary>
    public int StartCriu()
    {
        Send(Go);
        var (type, value, step) = Receive();
        if (type == Started)
            return CriuPid = value;
        throw Failure(type, value, step);
    }

    /// <summary>Waits for criu to exit; returns its shell-style exit status.</summary>
    public int WaitCriu()
    {
        var (type, value, step) = Receive();
        if (type != Exited)
            throw Failure(type, value, step);
        // the raw wait status: exit code, or 128 + the signal
        return (value & 0x7f) == 0 ? (value >> 8) & 0xff : 128 + (value & 0x7f);
    }

    /// <summary>The keeper exits and leaves its children (the restored tree) to the kernel's reparenting; reaped here.</summary>
    public void Release()
    {
        Send(ReleaseWord);
        Reap();
    }

    /// <summary>Kills criu and everything the keeper holds, and reaps the keeper.</summary>
    public void Dispose()
    {
        if (!_reaped)
        {
            try
            {
                Send(KillWord);
            }
            catch (ErrnoException) { } // the keeper is gone already
            Reap();
        }
        _ctl.Dispose();
    }

    private void Reap()
    {
        if (_reaped)
            return;
        _reaped = true;
        try
        {
            Sys.WaitForExit(Pid);
        }
        catch (ErrnoException e) when (e.Errno == Errno.ECHILD) { }
    }

    private void Send(byte word)
    {
        Span<byte> b = [word];
        if (Sys.Write(_ctl, b) != 1)
            throw new ErrnoException("write", $"criu keeper (pid {Pid}) for {_path}", Errno.EIO);
    }

    private (int Type, int Value, int Step) Receive()
    {
        Span<byte> buffer = stackalloc byte[12];
        int got = 0;
        while (got < buffer.Length)
        {
            int n = Sys.Read(_ctl, buffer[got..]);
            if (n == 0)
                throw new ErrnoException("read", $"criu keeper (pid {Pid}) ended without a word about {_path}", Errno.EPIPE);
            got += n;
        }
        var ints = MemoryMarshal.Cast<byte, int>(buffer);
        return (ints[0], ints[1], ints[2]);
    }

    private ErrnoException Failure(int type, int value, int step)
    {
        if (type == Failed)
            return new ErrnoException(step >= 0 && step < Steps.Length ? Steps[step] : "criu keeper", _path, value);
        return new ErrnoException("read", $"criu keeper (pid {Pid}) for {_path}: unexpected message {type}", 71 /* EPROTO */);
    }
}
