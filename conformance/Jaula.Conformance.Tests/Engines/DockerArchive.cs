using System.Security.Cryptography;
using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// A one-layer busybox image as a docker-archive tar (manifest.json, the image config, the layer), built from the test
/// rootfs: `ctr images import` and `docker load` both read it, and no registry is needed.
/// </summary>
public static class DockerArchive
{
    /// <summary>
    /// Writes the archive for <paramref name="reference"/> under <paramref name="workDir"/> and returns its path; the
    /// image's Cmd is <paramref name="cmd"/> (default /bin/sh). Several images in one work dir share the rootfs.
    /// </summary>
    public static string Build(string workDir, string reference, params string[] cmd)
    {
        string rootfs = Path.Combine(workDir, "rootfs");
        string name = Sha256Of(System.Text.Encoding.UTF8.GetBytes(reference))[..8];
        string content = Path.Combine(workDir, "archive-" + name);
        Directory.CreateDirectory(Path.Combine(content, "layer"));
        if (!Directory.Exists(rootfs))
        {
            Shell.Run("/bin/bash", RepoPaths.RootfsScript, rootfs);
        }
        string cmdJson = System.Text.Json.JsonSerializer.Serialize(cmd.Length == 0 ? new[] { "/bin/sh" } : cmd);
        string layer = Path.Combine(content, "layer", "layer.tar");
        Shell.Run("/bin/tar", "--numeric-owner", "-C", rootfs, "-cf", layer, ".");
        string diffId = Sha256Of(File.ReadAllBytes(layer));

        // docker load checks diff_ids against the layer; ctr takes the platform from architecture and os.
        string config = $$$"""
            {"architecture":"amd64","os":"linux",
             "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":{{{cmdJson}}}},
             "rootfs":{"type":"layers","diff_ids":["sha256:{{{diffId}}}"]}}
            """;
        string configName = Sha256Of(System.Text.Encoding.UTF8.GetBytes(config)) + ".json";
        File.WriteAllText(Path.Combine(content, configName), config);
        File.WriteAllText(Path.Combine(content, "manifest.json"),
            $$"""[{"Config":"{{configName}}","RepoTags":["{{reference}}"],"Layers":["layer/layer.tar"]}]""");

        string archive = Path.Combine(workDir, $"image-{name}.tar");
        Shell.Run("/bin/tar", "-C", content, "-cf", archive, "manifest.json", configName, "layer/layer.tar");
        return archive;
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
