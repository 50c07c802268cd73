using System.Diagnostics;

namespace Jaula.Cgroups.Tests.Systemd;

/// <summary>
/// A private dbus-daemon (the reference bus) on a socket in a temporary directory, for this test only: real SASL
/// EXTERNAL against our uid, Hello, and routing by name between jaula's connection and a fake systemd. Killed and
/// removed on Dispose. dbus-daemon comes from the dbus-daemon package (scripts/deps.sh --test installs it).
/// </summary>
public sealed class PrivateBus : IDisposable
{
    private readonly string _dir;
    private readonly Process _daemon;

    public string SocketPath { get; }

    public PrivateBus()
    {
        const string daemon = "/usr/bin/dbus-daemon";
        if (!File.Exists(daemon))
            throw new InvalidOperationException($"{daemon} is missing: these tests need a private bus (run scripts/deps.sh --test)");
        _dir = Directory.CreateTempSubdirectory("jaula-bus-").FullName;
        SocketPath = Path.Combine(_dir, "bus");
        string config = Path.Combine(_dir, "bus.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
              "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={SocketPath}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """);
        var start = new ProcessStartInfo(daemon) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { $"--config-file={config}", "--nofork", "--nopidfile", "--print-address" })
            start.ArgumentList.Add(arg);
        _daemon = Process.Start(start)!;
        // It prints its address once it listens.
        string? address = _daemon.StandardOutput.ReadLine();
        if (address is null || !address.StartsWith("unix:path=", StringComparison.Ordinal))
        {
            string error = _daemon.StandardError.ReadToEnd();
            Dispose();
            throw new InvalidOperationException($"dbus-daemon did not start: {address} {error}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_daemon.HasExited)
                _daemon.Kill();
            _daemon.WaitForExit();
        }
        finally
        {
            _daemon.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
