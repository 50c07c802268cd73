using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// Drives the binary under test the way an engine does: `--root &lt;root&gt;` first, then the verb. Remembers every
/// container id and init pid it saw, so the test's cleanup can delete them and prove nothing is left.
/// </summary>
public sealed class JaulaRunner
{
    private readonly ConcurrentDictionary<string, bool> _ids = new();
    private readonly ConcurrentDictionary<int, string?> _initPids = new();
    private readonly ConcurrentBag<RunningCommand> _launched = [];

    public JaulaRunner(string binary, string root)
    {
        Binary = binary;
        Root = root;
    }

    public string Binary { get; }

    public string Root { get; }

    public IReadOnlyCollection<string> Ids => _ids.Keys.ToList();

    /// <summary>Init pids seen in `state`, with the pid namespace each lived in (null if it had already exited).</summary>
    public IReadOnlyDictionary<int, string?> InitPids => _initPids.ToDictionary();

    public IReadOnlyCollection<RunningCommand> Launched => _launched.ToList();

    /// <summary>Marks an id for cleanup when a test creates it through <see cref="InvokeRaw"/>.</summary>
    public string Track(string id)
    {
        _ids[id] = true;
        return id;
    }

    public CommandResult Invoke(params string[] args) => InvokeRaw(["--root", Root, .. args]);

    /// <summary>Like <see cref="Invoke"/>, from another working directory (create's bundle defaults to it).</summary>
    public CommandResult InvokeIn(string workingDirectory, params string[] args)
    {
        using var command = RunningCommand.Start(Binary, ["--root", Root, .. args], workingDirectory);
        return command.Wait();
    }

    /// <summary>Runs the binary with exactly these arguments (no --root).</summary>
    public CommandResult InvokeRaw(params string[] args)
    {
        using var command = RunningCommand.Start(Binary, args);
        return command.Wait();
    }

    /// <summary>Starts an invocation without waiting; the test's cleanup kills it if it is still running.</summary>
    public RunningCommand Launch(params string[] args)
    {
        var command = RunningCommand.Start(Binary, ["--root", Root, .. args]);
        _launched.Add(command);
        return command;
    }

    public CommandResult Create(string id, Bundle bundle, params string[] flags)
    {
        Track(id);
        return Invoke(["create", "--bundle", bundle.Dir, .. flags, id]);
    }

    public CommandResult Start(string id) => Invoke("start", id);

    public CommandResult Kill(string id, string? signal = null, bool all = false) =>
        Invoke(["kill", .. (all ? new[] { "--all" } : []), id, .. (signal is null ? Array.Empty<string>() : [signal])]);

    public CommandResult Delete(string id, bool force = false) =>
        Invoke(["delete", .. (force ? new[] { "--force" } : []), id]);

    /// <summary>Runs in the foreground: the result carries the container process's stdout, stderr and exit status.</summary>
    public CommandResult Run(string id, Bundle bundle, params string[] flags) => LaunchRun(id, bundle, flags).Wait();

    public RunningCommand LaunchRun(string id, Bundle bundle, params string[] flags)
    {
        Track(id);
        return Launch(["run", "--bundle", bundle.Dir, .. flags, id]);
    }

    public CommandResult RunDetached(string id, Bundle bundle, params string[] flags)
    {
        Track(id);
        return Invoke(["run", "--detach", "--bundle", bundle.Dir, .. flags, id]);
    }

    public CommandResult StateRaw(string id) => Invoke("state", id);

    /// <summary>`state` that must succeed with exactly one JSON object on stdout, valid against the OCI schema.</summary>
    public ContainerState State(string id)
    {
        CommandResult result = StateRaw(id);
        result.ExitCode.Should().Be(0, "state of {0} should succeed: {1}", id, result);
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(result.Stdout);
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"state stdout is not one JSON object ({e.Message}): {result}");
        }
        parsed.Should().BeOfType<JsonObject>("state prints one JSON object: {0}", result);
        OciSchemas.Violations(OciSchemas.State, result.Stdout).Should().BeEmpty("state must match the OCI state schema: {0}", result.Stdout);

        var state = new ContainerState(parsed!.AsObject());
        Remember(state);
        return state;
    }

    /// <summary>
    /// Polls `state` until the status is reached (it is live: a process exit shows as stopped). A container that does
    /// not exist yet is waited for too: a foreground `run` creates it in the background.
    /// </summary>
    public ContainerState WaitForStatus(string id, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            CommandResult result = StateRaw(id);
            bool pending = !result.Succeeded && result.Stderr.Contains("does not exist", StringComparison.OrdinalIgnoreCase);
            ContainerState? state = pending ? null : State(id);
            if (state?.Status == status)
            {
                return state;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"{id} did not become {status}; last state: {(object?)state ?? result}");
            }
            Thread.Sleep(50);
        }
    }

    private void Remember(ContainerState state)
    {
        if (state.Pid > 0 && state.Status is "created" or "running")
        {
            string? ns = ProcessInfo.PidNamespace(state.Pid);
            _initPids.AddOrUpdate(state.Pid, ns, (_, old) => old ?? ns);
        }
    }
}
