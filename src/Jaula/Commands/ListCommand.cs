using System.CommandLine;
using System.Text.Json;
using Jaula.Oci;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

public static class ListCommand
{
    public static Command Build()
    {
        var format = new Option<string>("--format", "-f") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print only the ids" };
        var command = new Command("list", "list the containers in the state root");
        command.Options.Add(format);
        command.Options.Add(quiet);
        command.SetAction(result => CommandContext.Execute(result, "list", null, context =>
        {
            var states = new ContainerLifecycle(context.Store, context.Log).List();
            if (result.GetValue(quiet))
                states.ToList().ForEach(s => Console.Out.WriteLine(s.Id));
            else if (result.GetValue(format) == "json")
                Console.Out.WriteLine(ToJson(states));
            else
                Console.Out.Write(TextTable.Format(["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"],
                    states.Select(s => new[] { s.Id, s.Pid.ToString(), s.Status, s.Bundle, s.Created ?? "", Owner(s.Owner) })));
            return 0;
        }));
        return command;
    }

    private static string Owner(string? owner) => string.IsNullOrEmpty(owner) ? "root" : owner;

    private static string ToJson(IReadOnlyList<ContainerState> states)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var state in states)
                JsonSerializer.Serialize(writer, state, OciJsonContext.Default.ContainerState);
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
