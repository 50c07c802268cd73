using Jaula.Linux;

namespace Jaula.Sandbox.Process;

/// <summary>
/// Finds process.args[0] inside the container the way execvp does: a name with a slash is used as given, a bare
/// name is searched in the container's PATH. Done at create time so a missing binary fails `create`, not `start`.
/// </summary>
public static class ExecutableResolver
{
    private const int X_OK = 1;
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static string Resolve(string name, IReadOnlyList<string>? env, string cwd)
    {
        if (name.Contains('/'))
        {
            string path = name.StartsWith('/') ? name : Path.Combine(cwd, name);
            Check(name, path);
            return path;
        }
        string searchPath = env?.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (string dir in searchPath.Split(':'))
        {
            string candidate = Path.Combine(dir.Length == 0 ? "." : dir, name);
            if (Sys.TryStat(candidate, out var st) && st.IsRegular && Sys.Access(candidate, X_OK))
                return candidate;
        }
        throw new ContainerSetupException("process.args[0]", $"\"{name}\": executable file not found in $PATH ({searchPath}); install it in the rootfs or give its absolute path");
    }

    private static void Check(string name, string path)
    {
        if (!Sys.TryStat(path, out var st))
            throw new ContainerSetupException("process.args[0]", $"\"{name}\": no such file or directory in the container");
        if (st.IsDirectory)
            throw new ContainerSetupException("process.args[0]", $"\"{name}\": is a directory, not an executable");
        if (!Sys.Access(path, X_OK))
            throw new ContainerSetupException("process.args[0]", $"\"{name}\": permission denied (not executable by uid {Sys.GetEuid()})");
    }
}
