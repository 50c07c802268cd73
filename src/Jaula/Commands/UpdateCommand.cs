using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Jaula.Oci;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

/// <summary>update: change a live container's limits, with runc's flags or a LinuxResources JSON (-r FILE, - for stdin).</summary>
public static class UpdateCommand
{
    private static readonly Option<string> Resources = new("--resources", "-r")
    {
        Description = "path to a file with a linux.resources JSON object, or - for stdin; the other flags are then ignored",
    };

    private static readonly (string Name, string Description)[] Flags =
    [
        ("--blkio-weight", "block IO weight (10-1000)"),
        ("--cpu-period", "CPU CFS period in microseconds"),
        ("--cpu-quota", "CPU CFS quota in microseconds per period"),
        ("--cpu-share", "CPU shares (relative weight)"),
        ("--cpu-rt-period", "CPU realtime period in microseconds"),
        ("--cpu-rt-runtime", "CPU realtime runtime in microseconds"),
        ("--cpuset-cpus", "CPUs to run on (0-3, 0,1)"),
        ("--cpuset-mems", "memory nodes to use (0-3, 0,1)"),
        ("--kernel-memory", "kernel memory limit (deprecated, ignored)"),
        ("--kernel-memory-tcp", "kernel TCP buffer memory limit"),
        ("--memory", "memory limit in bytes (suffixes k, m, g)"),
        ("--memory-reservation", "memory soft limit in bytes"),
        ("--memory-swap", "memory plus swap limit in bytes; -1 for unlimited"),
        ("--pids-limit", "maximum number of pids; -1 for unlimited"),
    ];

    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var command = new Command("update", "change a running container's resource limits");
        command.Arguments.Add(id);
        command.Options.Add(Resources);
        var options = Flags.ToDictionary(f => f.Name, f => new Option<string>(f.Name) { Description = f.Description });
        foreach (var option in options.Values)
            command.Options.Add(option);
        command.SetAction(result => CommandContext.Execute(result, "update", result.GetValue(id), context =>
        {
            var resources = result.GetValue(Resources) is { } file ? ReadResources(file) : FromFlags(name => result.GetValue(options[name]));
            new ContainerControl(context.Store, context.Log).Update(result.GetValue(id)!, resources);
            return 0;
        }));
        return command;
    }

    private static LinuxResources ReadResources(string file)
    {
        try
        {
            using var stream = file == "-" ? Console.OpenStandardInput() : File.OpenRead(file);
            return JsonSerializer.Deserialize(stream, OciJsonContext.Default.LinuxResources)
                ?? throw new JaulaException($"--resources {file}: null is not a resources object");
        }
        catch (JsonException e)
        {
            throw new JaulaException($"--resources {file}: not a linux.resources JSON object: {e.Message}", e);
        }
    }

    /// <summary>Only the flags given end up set, so update writes only what was asked.</summary>
    public static LinuxResources FromFlags(Func<string, string?> value)
    {
        var r = new LinuxResources();
        MemoryResources Memory() => r.Memory ??= new MemoryResources();
        CpuResources Cpu() => r.Cpu ??= new CpuResources();
        if (value("--blkio-weight") is { } weight)
            r.BlockIo = new BlockIoResources { Weight = (ushort)Unsigned("--blkio-weight", weight, ushort.MaxValue) };
        if (value("--cpu-period") is { } period)
            Cpu().Period = Unsigned("--cpu-period", period);
        if (value("--cpu-quota") is { } quota)
            Cpu().Quota = Signed("--cpu-quota", quota);
        if (value("--cpu-share") is { } shares)
            Cpu().Shares = Unsigned("--cpu-share", shares);
        if (value("--cpu-rt-period") is { } rtPeriod)
            Cpu().RealtimePeriod = Unsigned("--cpu-rt-period", rtPeriod);
        if (value("--cpu-rt-runtime") is { } rtRuntime)
            Cpu().RealtimeRuntime = Signed("--cpu-rt-runtime", rtRuntime);
        if (value("--cpuset-cpus") is { } cpus)
            Cpu().Cpus = cpus;
        if (value("--cpuset-mems") is { } mems)
            Cpu().Mems = mems;
        if (value("--kernel-memory") is { } kernel)
            Memory().Kernel = Bytes("--kernel-memory", kernel);
        if (value("--kernel-memory-tcp") is { } tcp)
            Memory().KernelTcp = Bytes("--kernel-memory-tcp", tcp);
        if (value("--memory") is { } memory)
            Memory().Limit = Bytes("--memory", memory);
        if (value("--memory-reservation") is { } reservation)
            Memory().Reservation = Bytes("--memory-reservation", reservation);
        if (value("--memory-swap") is { } swap)
            Memory().Swap = Bytes("--memory-swap", swap);
        if (value("--pids-limit") is { } pids)
            r.Pids = new PidsResources { Limit = Signed("--pids-limit", pids) };
        return r;
    }

    private static ulong Unsigned(string flag, string text, ulong max = ulong.MaxValue) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max
            ? n : throw new JaulaException($"{flag}: \"{text}\" is not a number from 0 to {max}");

    private static long Signed(string flag, string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n : throw new JaulaException($"{flag}: \"{text}\" is not a number");

    /// <summary>Bytes with docker's binary suffixes (k, m, g, t, p; an optional trailing b or ib); -1 is unlimited.</summary>
    public static long Bytes(string flag, string text)
    {
        if (text == "-1")
            return -1;
        string t = text.Trim().ToLowerInvariant();
        if (t.EndsWith("ib", StringComparison.Ordinal))
            t = t[..^2];
        else if (t.EndsWith('b'))
            t = t[..^1];
        long multiplier = 1;
        if (t.Length > 0 && "kmgtp".IndexOf(t[^1]) is int unit and >= 0)
        {
            multiplier = 1L << (10 * (unit + 1));
            t = t[..^1];
        }
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n * multiplier > long.MaxValue)
            throw new JaulaException($"{flag}: \"{text}\" is not a size (bytes, or with a k, m, g, t or p suffix)");
        return (long)(n * multiplier);
    }
}
