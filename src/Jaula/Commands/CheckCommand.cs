using System.CommandLine;
using System.Text;
using System.Text.Json;
using Jaula.Diagnostics;

namespace Jaula.Cli.Commands;

/// <summary>`jaula check`: what this host offers containers, each line with why and what to do.</summary>
public static class CheckCommand
{
    public static Command Build()
    {
        var format = new Option<string>("--format", "-f") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("check", "check that this host can run containers, and say what is missing and how to fix it");
        command.Options.Add(format);
        command.SetAction(result => CommandContext.Execute(result, "check", null, _ =>
        {
            HostCheckReport report = HostCheck.Run(new HostView(), new KernelProbe());
            Console.Out.Write(result.GetValue(format) == "json"
                ? JsonSerializer.Serialize(report, DiagnosticsJson.Default.HostCheckReport) + "\n"
                : FormatText(report));
            return report.CanRunDefaultContainer ? 0 : 1;
        }));
        return command;
    }

    public static string FormatText(HostCheckReport report)
    {
        var text = new StringBuilder();
        foreach (HostCheckResult check in report.Checks)
        {
            string status = check.Status switch { CheckStatus.Ok => "ok", CheckStatus.Warning => "warning", _ => "missing" };
            text.Append($"{status,-8} {check.Area}: {check.Name}: {check.Detail}\n");
            if (check.Fix is not null && check.Status != CheckStatus.Ok)
                text.Append($"{"",-8}   fix: {check.Fix}\n");
        }
        var blocking = report.Checks.Where(c => c.Essential && c.Status == CheckStatus.Missing).Select(c => c.Name).ToList();
        text.Append(blocking.Count == 0
            ? "a default container can run on this host\n"
            : $"a default container cannot run on this host: missing {string.Join(", ", blocking)}\n");
        return text.ToString();
    }
}
