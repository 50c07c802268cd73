using Jaula.Linux;

namespace Jaula.Runtime;

/// <summary>--rootless and the state root it implies, decided as runc decides them.</summary>
public static class RootlessMode
{
    /// <summary>"true", "false", or "auto": rootless when not euid 0 or already inside a user namespace.</summary>
    public static bool IsOn(string flag) => flag switch
    {
        "true" => true,
        "false" => false,
        _ => Sys.GetEuid() != 0 || InUserNamespace(File.Exists("/proc/self/uid_map") ? File.ReadAllText("/proc/self/uid_map") : null),
    };

    /// <summary>The initial user namespace maps every id to itself: "0 0 4294967295".</summary>
    public static bool InUserNamespace(string? uidMap) =>
        uidMap is not null && string.Join(' ', uidMap.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)) != "0 0 4294967295";

    /// <summary>/run/jaula for root; $XDG_RUNTIME_DIR/jaula for anyone else who has one (their /run/user/&lt;uid&gt;).</summary>
    public static string DefaultStateRoot() =>
        Sys.GetEuid() != 0 && Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDir
            ? Path.Combine(runtimeDir, "jaula")
            : StateStore.DefaultRoot;
}
