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
        string searchPath = SearchPath(env);
        foreach (string dir in searchPath.Split(':'))
        {
            string candidate = Path.Combine(dir.Length == 0 ? "." : dir, name);
            if (Sys.TryStat(candidate, out var st) && st.IsRegular && Sys.Access(candidate, X_OK))
                return candidate;
        }
        throw new ContainerSetupException("process.args[0]", NotInPath(name, searchPath));
    }

    /// <summary>The PATH a bare name is searched in: the last PATH= of the environment, else execvp's default.</summary>
    public static string SearchPath(IReadOnlyList<string>? env) =>
        env?.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;

    // The messages, shared with the C init's reports (Runtime/Init/CInitFailure.cs).
    public static string NotInPath(string name, string searchPath) =>
        $"\"{name}\": executable file not found in $PATH ({searchPath}); install it in the rootfs or give its absolute path";

    public static string Missing(string name) => $"\"{name}\": no such file or directory in the container";

    public static string IsDirectory(string name) => $"\"{name}\": is a directory, not an executable";

    public static string NotExecutable(string name, uint uid) => $"\"{name}\": permission denied (not executable by uid {uid})";

    private static void Check(string name, string path)
    {
        if (!Sys.TryStat(path, out var st))
            throw new ContainerSetupException("process.args[0]", Missing(name));
        if (st.IsDirectory)
            throw new ContainerSetupException("process.args[0]", IsDirectory(name));
        if (!Sys.Access(path, X_OK))
            throw new ContainerSetupException("process.args[0]", NotExecutable(name, Sys.GetEuid()));
    }
}
