using System.Buffers.Binary;
using System.Text.Json;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The parent's part of linux.seccomp: compiling the filter for the plan, and handing a notifying filter's listener
/// fd to the agent at listenerPath with the container process state (config-linux.md), over SCM_RIGHTS.
/// </summary>
internal static class SeccompAgent
{
    private const string ListenerField = "linux.seccomp.listenerPath";

    /// <summary>Before anything is made, so a filter libseccomp refuses leaves nothing behind.</summary>
    public static SeccompProgram? Compile(Spec spec, IRuntimeLog log, bool warnUnknownSyscalls = true)
    {
        if (spec.Linux?.Seccomp is null)
            return null;
        if (warnUnknownSyscalls)
            WarnUnknownSyscalls(spec.Linux.Seccomp, log);
        try
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            var program = SeccompCompiler.Compile(spec.Linux.Seccomp, new SeccompCache(SeccompCache.DefaultDirectory));
            log.Debug($"seccomp filter ready in {System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds:F2} ms ({program!.Bpf.Length / 8} BPF instructions)");
            return program;
        }
        catch (ContainerSetupException e)
        {
            throw JaulaException.ForField(e.Field ?? "linux.seccomp", e.Cause, e);
        }
    }

    /// <summary>
    /// Names libseccomp does not know are skipped, as runc does (profiles list syscalls of newer kernels); one line says
    /// which, so a rule that silently does nothing is not a mystery.
    /// </summary>
    private static void WarnUnknownSyscalls(SeccompSpec seccomp, IRuntimeLog log)
    {
        var unknown = new List<string>();
        for (int i = 0; i < (seccomp.Syscalls?.Count ?? 0); i++)
        {
            var names = seccomp.Syscalls![i].Names ?? [];
            for (int j = 0; j < names.Count; j++)
            {
                if (!SeccompInterop.SyscallKnown(names[j]))
                    unknown.Add($"linux.seccomp.syscalls[{i}].names[{j}] \"{names[j]}\"");
            }
        }
        if (unknown.Count > 0)
            log.Warn($"seccomp: skipped syscalls this kernel's libseccomp does not know: {string.Join(", ", unknown)}; their rules have no effect");
    }

    /// <summary>Copies the init's listener fd (pidfd_getfd), connects to the agent, sends the state with the fd, closes.</summary>
    /// <param name="init">The process that loaded the filter: the container's init (create) or the exec'd process.</param>
    /// <param name="container">
    /// The container's state as the agent sees it: for create, "creating" with the init's pid; for exec, the
    /// container's status ("running", or "paused" with --ignore-paused) and its init's pid, while the process state's
    /// own pid is the exec'd process's (as runc sends it).
    /// </param>
    public static void Hand(Frame frame, SpawnedInit init, Spec spec, AgentContainer container)
    {
        if (frame.Payload.Length != sizeof(int))
            throw new JaulaException($"the container's init sent a seccomp listener message of {frame.Payload.Length} bytes, expected 4");
        int number = BinaryPrimitives.ReadInt32LittleEndian(frame.Payload);
        string path = spec.Linux?.Seccomp?.ListenerPath ?? throw JaulaException.ForField(ListenerField, "is required: a rule uses SCMP_ACT_NOTIFY, whose listener goes to the agent listening there");
        try
        {
            using var listener = Sys.PidfdGetFd(init.PidFd, number);
            Sys.SendFdToSocket(path, JsonSerializer.SerializeToUtf8Bytes(State(init, spec, container), OciJsonContext.Default.ContainerProcessState), listener);
        }
        catch (ErrnoException e)
        {
            throw JaulaException.ForField(ListenerField, $"handing the seccomp listener to the agent: {e.Message}", e);
        }
    }

    private static ContainerProcessState State(SpawnedInit init, Spec spec, AgentContainer container) => new()
    {
        OciVersion = OciSpecVersion.Current,
        Fds = ["seccompFd"],
        Pid = init.Pid,
        Metadata = spec.Linux?.Seccomp?.ListenerMetadata,
        State = new ContainerState
        {
            OciVersion = OciSpecVersion.Current,
            Id = container.Id,
            Status = container.Status,
            Pid = container.Pid,
            Bundle = container.Bundle,
            Rootfs = container.Rootfs,
            Annotations = spec.Annotations,
        },
    };
}

/// <summary>The container as a seccomp agent is told about it (state.status, state.pid, ...).</summary>
public sealed record AgentContainer(string Id, string Status, int Pid, string Bundle, string Rootfs);
