using System.Buffers.Binary;
using Jaula.Linux;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Init;

/// <summary>
/// The init's part of linux.seccomp: when to install the filter (<see cref="SeccompInstaller"/> says why) and,
/// for a notifying filter, telling the parent which fd is the listener (it takes a copy with pidfd_getfd).
/// </summary>
internal sealed class InitSeccomp(SeccompProgram? program, bool noNewPrivileges)
{
    /// <summary>Held until execve closes it (close-on-exec), so the parent can copy it first.</summary>
    private SafeFd? _listener;

    /// <summary>What ProcessSetup runs right before the user switch, or null.</summary>
    public Action? BeforeUserSwitch =>
        SeccompInstaller.InstallsBeforeUserSwitch(program, noNewPrivileges) ? () => _listener = SeccompInstaller.Install(program!) : null;

    /// <summary>Installs a notifying filter that is still due, and announces its listener fd to the parent.</summary>
    public void BeforeReady(SyncChannel channel)
    {
        if (program is not null && SeccompInstaller.InstallsBeforeReady(program, noNewPrivileges) && BeforeUserSwitch is null)
            _listener = SeccompInstaller.Install(program);
        if (_listener is null)
            return;
        Span<byte> fd = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(fd, _listener.Value);
        channel.Send(FrameType.SeccompListener, fd);
    }

    /// <summary>execve, fused with installing the filter when it is still due. Returns only by throwing.</summary>
    public void Exec(ExecTarget target)
    {
        if (program is not null && !SeccompInstaller.InstallsBeforeReady(program, noNewPrivileges))
            SeccompInstaller.InstallAndExec(program, target.Path, target.Argv, target.Env);
        Sys.Execve(target.Path, target.Argv, target.Env);
    }
}
