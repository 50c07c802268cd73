using Xunit;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// Base of every test class: a runner bound to the class's state root, fresh ids and bundles, and after EVERY test
/// (pass or fail) `delete --force` of each id it used followed by a check that nothing was left behind.
/// </summary>
public abstract class ContainerTest : IClassFixture<StateRoot>, IDisposable
{
    private readonly List<Bundle> _bundles = [];
    private readonly string[] _rootEntriesBefore;

    protected ContainerTest(StateRoot stateRoot)
    {
        Reaper.EnsureSubreaper();
        StateRoot = stateRoot;
        Jaula = new JaulaRunner(RepoPaths.Binary, stateRoot.Root);
        _rootEntriesBefore = Directory.GetFileSystemEntries(stateRoot.Root);
    }

    protected StateRoot StateRoot { get; }

    protected JaulaRunner Jaula { get; }

    /// <summary>A unique container id, registered for cleanup.</summary>
    protected string NewId() => Jaula.Track("it-" + Guid.NewGuid().ToString("N")[..10]);

    protected Bundle NewBundle(params string[] args) => NewBundle(_ => { }, args);

    protected Bundle NewBundle(Action<Bundle> tweak, params string[] args)
    {
        Bundle bundle = Bundle.Create(args, tweak);
        _bundles.Add(bundle);
        return bundle;
    }

    /// <summary>Runs `sh -c script` in the foreground in a fresh container and returns what it printed.</summary>
    protected CommandResult RunScript(string script, Action<Bundle>? tweak = null) =>
        Jaula.Run(NewId(), NewBundle(tweak ?? (_ => { }), "sh", "-c", script));

    /// <summary>
    /// Waits for a container to write a file (seen from the host through the bundle's rootfs) and reads it. A shell's
    /// `echo x > file` creates the file before it writes, so an empty file is not yet written.
    /// </summary>
    protected static string WaitForFile(string hostPath, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!File.Exists(hostPath) || new FileInfo(hostPath).Length == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"{hostPath} did not appear or stayed empty");
            }
            Thread.Sleep(20);
        }
        return File.ReadAllText(hostPath);
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        List<string> leaks;
        try
        {
            leaks = LeakCheck.CleanUp(Jaula, StateRoot, _rootEntriesBefore, _bundles);
        }
        finally
        {
            foreach (Bundle bundle in _bundles)
            {
                bundle.Dispose();
            }
        }
        if (leaks.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("left behind after the test:" + Environment.NewLine + string.Join(Environment.NewLine, leaks));
        }
    }
}
