using System.CommandLine;
using Jaula.Cli.Logging;
using Jaula.Linux;
using Jaula.Runtime;

namespace Jaula.Cli;

/// <summary>What every command's action gets: the state store, the log, and one place that turns failures into exit code 1.</summary>
public sealed class CommandContext
{
    private CommandContext(ParseResult result)
    {
        Result = result;
        Log = GlobalOptions.CreateLog(result);
        if (Log.DebugEnabled && PhaseTimer.SinceProcessStart() is { } sinceStart)
            Log.Debug(sinceStart);
        Store = GlobalOptions.CreateStore(result);
    }

    public ParseResult Result { get; }
    public CliLog Log { get; }
    public StateStore Store { get; }

    /// <summary>
    /// Runs a command body. Errors are reported as "&lt;verb&gt; &lt;id&gt;: &lt;message&gt;", so every message names the
    /// container; the exit code is 1.
    /// </summary>
    public static int Execute(ParseResult result, string verb, string? id, Func<CommandContext, int> body)
    {
        var context = new CommandContext(result);
        try
        {
            return body(context);
        }
        catch (Exception e)
        {
            // Expected failures carry a full sentence; anything else is a bug of ours, said as such but still one line.
            bool expected = e is JaulaException or ErrnoException or IOException or UnauthorizedAccessException
                or Jaula.Cgroups.CgroupException;
            string message = expected ? e.Message : $"internal error ({e.GetType().Name}): {e.Message}";
            context.Log.Error(id is null ? $"{verb}: {message}" : $"{verb} {id}: {message}");
            return 1;
        }
    }
}
