using System.CommandLine;
using System.Text.Json;
using Jaula.Oci;
using Jaula.Runtime;

namespace Jaula.Cli.Commands;

public static class SpecCommand
{
    public static Command Build()
    {
        var bundle = new Option<string?>("--bundle", "-b") { Description = "where to write config.json (default: the current directory)" };
        var rootless = new Option<bool>("--rootless") { Description = "a config for a rootless container" };
        var command = new Command("spec", "write a default config.json for a busybox-like rootfs in ./rootfs");
        command.Options.Add(bundle);
        command.Options.Add(rootless);
        command.SetAction(result => CommandContext.Execute(result, "spec", null, _ =>
        {
            string dir = Path.GetFullPath(result.GetValue(bundle) ?? Directory.GetCurrentDirectory());
            string path = Path.Combine(dir, "config.json");
            if (!Directory.Exists(dir))
                throw new JaulaException($"{dir}: no such directory");
            if (File.Exists(path))
                throw new JaulaException($"{path} exists: remove it first");
            var spec = DefaultSpec.Create(result.GetValue(rootless));
            File.WriteAllText(path, JsonSerializer.Serialize(spec, OciJson.TabIndented.Spec) + "\n");
            return 0;
        }));
        return command;
    }
}
