using System.CommandLine;
using Jaula.Linux;
using System.Globalization;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

/// <summary>ps: the processes of the container's cgroup, as a JSON array of host pids or as ps(1)'s table.</summary>
public static class PsCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var psArgs = new Argument<string[]>("ps-arguments") { Arity = ArgumentArity.ZeroOrMore, Description = "arguments for ps(1) (default -ef)" };
        var format = new Option<string>("--format", "-f") { Description = "table or json", DefaultValueFactory = _ => "table" };
        var command = new Command("ps", "list the processes running in a container") { TreatUnmatchedTokensAsErrors = false };
        command.Arguments.Add(id);
        command.Arguments.Add(psArgs);
        command.Options.Add(format);
        command.SetAction(result => CommandContext.Execute(result, "ps", result.GetValue(id), context =>
        {
            var pids = new ContainerControl(context.Store, context.Log).Pids(result.GetValue(id)!);
            switch (result.GetValue(format))
            {
                case "json":
                    Console.Out.WriteLine("[" + string.Join(",", pids.Select(p => p.ToString(CultureInfo.InvariantCulture))) + "]");
                    return 0;
                case "table":
                    string[] args = [.. result.GetValue(psArgs) ?? [], .. result.UnmatchedTokens];
                    Console.Out.Write(Table(pids, args.Length == 0 ? ["-ef"] : args));
                    return 0;
                default:
                    throw new JaulaException($"--format: \"{result.GetValue(format)}\" is not table or json");
            }
        }));
        return command;
    }

    /// <summary>Runs ps(1) and keeps the header and the lines whose PID column is one of the container's.</summary>
    private static string Table(IReadOnlyList<int> pids, string[] args)
    {
        HelperOutput ps;
        try
        {
            ps = HelperProgram.Run("ps", args);
        }
        catch (ErrnoException e)
        {
            throw new JaulaException($"ps: could not start ps(1): {e.Message}", e);
        }
        if (ps.Status != 0)
            throw new JaulaException($"ps {string.Join(' ', args)}: exit status {ps.Status}: {ps.Stderr.Trim()}");
        string output = ps.Stdout;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
            return "";
        int column = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "PID");
        if (column < 0)
            throw new JaulaException($"ps {string.Join(' ', args)}: its output has no PID column");
        var wanted = pids.ToHashSet();
        var kept = lines.Skip(1).Where(l =>
        {
            string[] f = l.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return f.Length > column && int.TryParse(f[column], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && wanted.Contains(pid);
        });
        return string.Join('\n', kept.Prepend(lines[0])) + "\n";
    }
}
