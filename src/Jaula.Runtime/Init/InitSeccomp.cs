using System.Buffers.Binary;
using Jaula.Linux;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Init;

/// <summary>
/// The init's part of linux.seccomp. A filter is loaded by the final phase in C (native/final_phase.h), next to
/// execve, so no managed code runs under it. The one exception is a filter that notifies an agent: its listener fd
/// travels to the agent through the parent, which is gone by the time of `start`, so it is loaded before the init
/// reports ready and the parent copies the fd with pidfd_getfd.
/// </summary>
internal sealed class InitSeccomp(SeccompProgram? program)
{
    /// <summary>Held until execve closes it (close-on-exec), so the parent can copy it first.</summary>
    private SafeFd? _listener;

    /// <summary>The program the final phase loads: none when there is none or it notifies (loaded before READY).</summary>
    public SeccompProgram? ForFinalPhase => program is { Listener: false } ? program : null;

    /// <summary>Loads a notifying filter and announces its listener fd to the parent.</summary>
    public void BeforeReady(SyncChannel channel)
    {
        if (program is not { Listener: true })
            return;
        _listener = SeccompInstaller.Install(program);
        if (_listener is null)
            return;
        Span<byte> fd = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(fd, _listener.Value);
        channel.Send(FrameType.SeccompListener, fd);
    }
}
