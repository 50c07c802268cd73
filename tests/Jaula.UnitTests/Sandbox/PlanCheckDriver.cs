using System.Diagnostics;
using FluentAssertions;

namespace Jaula.UnitTests.Sandbox;

/// <summary>
/// A C decoder of the stage (native/*.c) compiled with gcc under ASan/UBSan together with a small check program from
/// this folder that prints what it decoded: the plans C# encodes are read back by the very C code that runs them.
/// </summary>
/// <param name="moreNative">Further native sources the decoder calls into (the init program's checks the plans inside it).</param>
internal sealed class PlanCheckDriver(string checkSource, string nativeSource, string name, params string[] moreNative)
{
    private readonly Lazy<string> _driver = new(() => Build(checkSource, [nativeSource, .. moreNative], name));

    /// <summary>Decodes one plan; the driver's output, or a failed assertion with its stderr.</summary>
    public string Decode(byte[] plan, params string[] more)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, plan);
            return Run(_driver.Value, [file, .. more]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs the driver with these arguments; its output.</summary>
    public string Invoke(params string[] args) => Run(_driver.Value, args);

    public static string RepositoryRoot()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Runtime.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        return root;
    }

    private static string Build(string checkSource, string[] nativeSources, string name)
    {
        string root = RepositoryRoot();
        string native = Path.Combine(root, "src", "Jaula.Linux", "native");
        string dir = Directory.CreateTempSubdirectory($"jaula-{name}-").FullName;
        // Shared by a test class (one compile per run), so removed when the test host exits, also after failures.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        string driver = Path.Combine(dir, name);
        Run("gcc", ["-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE", "-fsanitize=address,undefined", "-I", native,
            Path.Combine(root, "tests", "Jaula.UnitTests", "Sandbox", checkSource), .. nativeSources.Select(s => Path.Combine(native, s)), "-o", driver]);
        return driver;
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, "{0} {1}: {2}", program, string.Join(' ', args), error);
        return output;
    }
}
