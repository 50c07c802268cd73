using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jaula.IntegrationTests.Harness;

/// <summary>A temp bundle: config.json plus its own copy of the busybox rootfs. Disposing removes it.</summary>
public sealed class Bundle : IDisposable
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private Bundle(string dir, JsonObject config)
    {
        Dir = dir;
        Config = config;
    }

    public string Dir { get; }

    public string RootfsDir => Path.Combine(Dir, "rootfs");

    public string ConfigPath => Path.Combine(Dir, "config.json");

    /// <summary>The config to tweak (JSON nodes); call <see cref="Save"/> after changing it once the bundle exists.</summary>
    public JsonObject Config { get; private set; }

    public JsonObject Process => Config["process"]!.AsObject();

    public JsonObject Linux => Config["linux"]!.AsObject();

    public static Bundle Create(IReadOnlyList<string> args, Action<Bundle>? tweak = null)
    {
        string dir = Directory.CreateTempSubdirectory("jaula-it-bundle-").FullName;
        string rootfs = Path.Combine(dir, "rootfs");
        SharedRootfs.CopyTo(rootfs);
        var bundle = new Bundle(dir, DefaultConfig.Create(rootfs, args));
        try
        {
            tweak?.Invoke(bundle);
            bundle.Save();
        }
        catch
        {
            bundle.Dispose(); // the caller never gets the bundle to dispose: a failing tweak must not leave it
            throw;
        }
        return bundle;
    }

    /// <summary>Sets process.args.</summary>
    public Bundle Args(params string[] args)
    {
        Process["args"] = new JsonArray(args.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        return this;
    }

    public void Save()
    {
        CgroupPlacement.Apply(this);
        File.WriteAllText(ConfigPath, Config.ToJsonString(s_indented));
    }

    /// <summary>Replaces <see cref="Config"/> with what config.json holds now (e.g. after `spec` wrote it).</summary>
    public void Reload() => Config = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();

    /// <summary>A path inside the container, as seen from the host (the rootfs is a plain folder).</summary>
    public string HostPath(string containerPath) => Path.Combine(RootfsDir, containerPath.TrimStart('/'));

    public void Dispose()
    {
        // Never recurse into a folder something is still mounted on: the leak check reports that instead.
        if (MountTable.Mentions(Dir))
        {
            return;
        }
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
