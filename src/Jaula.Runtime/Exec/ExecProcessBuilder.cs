using System.Globalization;
using System.Text.Json;
using Jaula.Oci;

namespace Jaula.Runtime.Exec;

/// <summary>
/// The process `exec` runs. As runc does: with --process the document is taken whole; otherwise the container's own
/// process is the base (its env, user, capabilities, rlimits, cwd) and each flag overrides or adds to it.
/// </summary>
public static class ExecProcessBuilder
{
    public static ProcessSpec Build(ProcessSpec containerProcess, ExecRequest request)
    {
        ProcessSpec process = request.ProcessFile is { } file ? Load(file) : FromFlags(containerProcess, request);
        if (process.Args is not { Count: > 0 })
            throw JaulaException.ForField("process.args", "exec needs a command: give it after the container id or in --process");
        if (!process.Cwd.StartsWith('/'))
            throw JaulaException.ForField("process.cwd", $"\"{process.Cwd}\" is not an absolute path");
        if (request.Tty)
            process.Terminal = true;
        process.User ??= new UserSpec { Uid = 0, Gid = 0 }; // runc's zero value: a --process without user runs as root
        ThrowIfInvalid(process);
        return process;
    }

    /// <summary>The same rules as the container's process: ids the kernel would misread, NUL bytes, nulls in lists.</summary>
    private static void ThrowIfInvalid(ProcessSpec process)
    {
        var problems = SpecValidator.ValidateProcess(process);
        if (problems.Count > 0)
            throw JaulaException.ForField(problems[0].Field, problems[0].Message);
    }

    private static ProcessSpec Load(string file)
    {
        try
        {
            byte[] utf8 = ReadAll(file);
            JsonValueCheck.ThrowIfUnfaithful(utf8, $"--process {file}", "process");
            return JsonSerializer.Deserialize(utf8, OciJsonContext.Default.ProcessSpec)
                ?? throw new JaulaException($"--process {file}: the document is null");
        }
        catch (JsonException e)
        {
            throw new JaulaException($"--process {file}: not a valid OCI process: {e.Message}", e);
        }
        catch (SpecException e)
        {
            throw new JaulaException(e.Message, e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new JaulaException($"--process {file}: no such file or directory", e);
        }
    }

    private static byte[] ReadAll(string file)
    {
        if (file != "-")
            return File.ReadAllBytes(file);
        using var stdin = Console.OpenStandardInput();
        using var copy = new MemoryStream();
        stdin.CopyTo(copy);
        return copy.ToArray();
    }

    private static ProcessSpec FromFlags(ProcessSpec base_, ExecRequest request)
    {
        var process = Clone(base_);
        process.Args = [.. request.Args];
        process.Terminal = request.Tty;
        process.ConsoleSize = null;
        process.Env = MergeEnv(process.Env ?? [], request.Env);
        if (request.Cwd is not null)
            process.Cwd = request.Cwd;
        if (request.User is not null)
            process.User = ParseUser(request.User, process.User);
        if (request.AdditionalGids.Count > 0)
        {
            process.User ??= new UserSpec { Uid = 0, Gid = 0 };
            process.User.AdditionalGids = [.. (process.User.AdditionalGids ?? []).Concat(request.AdditionalGids).Distinct()];
        }
        if (request.Caps.Count > 0)
            process.Capabilities = AddCaps(process.Capabilities, request.Caps);
        if (request.NoNewPrivs)
            process.NoNewPrivileges = true;
        if (request.Apparmor is not null)
            process.ApparmorProfile = request.Apparmor;
        if (request.ProcessLabel is not null)
            process.SelinuxLabel = request.ProcessLabel;
        return process;
    }

    /// <summary>A deep copy through JSON, so the container's own spec object is never changed.</summary>
    private static ProcessSpec Clone(ProcessSpec process) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(process, OciJsonContext.Default.ProcessSpec),
            OciJsonContext.Default.ProcessSpec)!;

    /// <summary>-e KEY=VALUE replaces the base's KEY or is appended; the base order is kept.</summary>
    public static List<string> MergeEnv(IReadOnlyList<string> baseEnv, IReadOnlyList<string> overrides)
    {
        var merged = baseEnv.ToList();
        foreach (string entry in overrides)
        {
            if (!entry.Contains('='))
                throw JaulaException.ForField("--env", $"\"{entry}\" is not KEY=VALUE");
            string key = entry[..(entry.IndexOf('=') + 1)];
            int index = merged.FindIndex(e => e.StartsWith(key, StringComparison.Ordinal));
            if (index >= 0)
                merged[index] = entry;
            else
                merged.Add(entry);
        }
        return merged;
    }

    /// <summary>"UID" or "UID:GID", numbers only (names would need the container's /etc/passwd; runc wants numbers too).</summary>
    public static UserSpec ParseUser(string text, UserSpec? base_)
    {
        string[] parts = text.Split(':');
        if (parts.Length > 2 || !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid))
            throw JaulaException.ForField("--user", $"\"{text}\" is not UID or UID:GID (numbers)");
        uint gid = 0;
        if (parts.Length == 2 && !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            throw JaulaException.ForField("--user", $"\"{text}\": the group \"{parts[1]}\" is not a number");
        return new UserSpec { Uid = uid, Gid = gid, Umask = base_?.Umask };
    }

    /// <summary>--cap adds to the bounding, effective and permitted sets; inheritable and ambient stay as configured (CVE-2022-29162).</summary>
    private static CapabilitiesSpec AddCaps(CapabilitiesSpec? caps, IReadOnlyList<string> add)
    {
        caps ??= new CapabilitiesSpec();
        List<string> With(List<string>? set) => [.. (set ?? []).Concat(add).Distinct()];
        caps.Bounding = With(caps.Bounding);
        caps.Effective = With(caps.Effective);
        caps.Permitted = With(caps.Permitted);
        return caps;
    }
}
