using System.Diagnostics;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// A started invocation. Its stdio are files, not pipes: a container started by create/run -d inherits the runtime's
/// stdio and keeps it open, so waiting for pipe EOF would wait for the container.
/// </summary>
public sealed class RunningCommand : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _outputDir;
    private CommandResult? _result;
    private bool _disposed;

    private RunningCommand(IReadOnlyList<string> args, Process process, string outputDir)
    {
        Args = args;
        _process = process;
        _outputDir = outputDir;
    }

    public IReadOnlyList<string> Args { get; }

    /// <summary>The started process (the shell that wires stdio execs the command in its place).</summary>
    public int Pid => _process.Id;

    public bool IsDisposed => _disposed;

    /// <summary>What the command has written to stdout so far (it is a file; empty until the shell made it).</summary>
    public string StdoutSoFar => File.Exists(Path.Combine(_outputDir, "stdout")) ? File.ReadAllText(Path.Combine(_outputDir, "stdout")) : "";

    public static RunningCommand Start(string fileName, IReadOnlyList<string> args, string? workingDirectory = null)
    {
        string outputDir = Directory.CreateTempSubdirectory("jaula-it-cmd-").FullName;
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory ?? outputDir };
        // The shell only wires stdio to files, then execs the binary in its place (same pid).
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("out=$1; err=$2; shift 2; exec \"$@\" </dev/null >\"$out\" 2>\"$err\"");
        startInfo.ArgumentList.Add("sh");
        startInfo.ArgumentList.Add(Path.Combine(outputDir, "stdout"));
        startInfo.ArgumentList.Add(Path.Combine(outputDir, "stderr"));
        startInfo.ArgumentList.Add(fileName);
        foreach (string arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = startInfo };
        lock (Reaper.StartLock)
        {
            process.Start();
            Reaper.TrackOwnChild(process.Id);
        }
        return new RunningCommand([fileName, .. args], process, outputDir);
    }

    /// <summary>Waits for the exit; past the timeout it kills what it started and throws.</summary>
    public CommandResult Wait(TimeSpan? timeout = null)
    {
        if (_result is not null)
        {
            return _result;
        }

        TimeSpan limit = timeout ?? DefaultTimeout;
        if (!_process.WaitForExit(limit))
        {
            KillTree();
            throw new TimeoutException($"`{string.Join(' ', Args)}` did not exit within {limit.TotalSeconds} s; killed it.{Environment.NewLine}{Collect(-1)}");
        }
        _process.WaitForExit();
        Reaper.ForgetOwnChild(_process.Id);
        _result = Collect(_process.ExitCode);
        return _result;
    }

    /// <summary>Kills the invocation and its descendants (the container's processes among them).</summary>
    public void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            KillTree();
        }
        if (_process.HasExited)
        {
            Reaper.ForgetOwnChild(_process.Id);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_outputDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private CommandResult Collect(int exitCode) =>
        new(Args, exitCode, ReadOutput("stdout"), ReadOutput("stderr"));

    private string ReadOutput(string name)
    {
        string path = Path.Combine(_outputDir, name);
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }
}
