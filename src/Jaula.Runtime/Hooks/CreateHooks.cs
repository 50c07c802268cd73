using System.Globalization;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Sync;

namespace Jaula.Runtime.Hooks;

/// <summary>
/// The parent's part of the create hooks. When the init reports HooksDue (its mounts are done, pivot_root is next)
/// the parent runs prestart and then createRuntime in the runtime namespace, then opens each createContainer hook's
/// path here — it must resolve in the runtime namespace — and passes the open files to the init, which runs them in
/// the container's namespaces.
/// </summary>
public sealed class CreateHooks(HooksSpec? hooks, ContainerState creating)
{
    public void Run(SyncChannel channel)
    {
        HookRunner.Run(hooks?.Prestart, HookRunner.Prestart, creating);
        HookRunner.Run(hooks?.CreateRuntime, HookRunner.CreateRuntime, creating);
        var list = hooks?.CreateContainer ?? [];
        for (int i = 0; i < list.Count; i++)
        {
            using var executable = OpenExecutable(list[i].Path, $"hooks.{HookRunner.CreateContainer}[{i}]");
            channel.Send(FrameType.HookExecutable, System.Text.Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)), executable);
        }
        channel.Send(FrameType.HooksDone);
    }

    private static SafeFd OpenExecutable(string path, string field)
    {
        try
        {
            var fd = Sys.Open(path, OpenFlags.Path | OpenFlags.CloExec);
            if (!Sys.Fstat(fd).IsRegular)
            {
                fd.Dispose();
                throw new HookFailedException($"{field}: {path} is not a regular file");
            }
            return fd;
        }
        catch (ErrnoException e)
        {
            throw new HookFailedException($"{field}: cannot open {path}: {e.Message}", e);
        }
    }
}
