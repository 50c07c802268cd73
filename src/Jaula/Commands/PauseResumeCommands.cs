using System.CommandLine;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

/// <summary>pause and resume: freeze and thaw every process of the container's cgroup.</summary>
public static class PauseResumeCommands
{
    public static Command BuildPause() => Build("pause", "freeze every process of the container", (c, id) => c.Pause(id));

    public static Command BuildResume() => Build("resume", "thaw a paused container", (c, id) => c.Resume(id));

    private static Command Build(string verb, string description, Action<ContainerControl, string> act)
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var command = new Command(verb, description);
        command.Arguments.Add(id);
        command.SetAction(result => CommandContext.Execute(result, verb, result.GetValue(id), context =>
        {
            act(new ContainerControl(context.Store, context.Log), result.GetValue(id)!);
            return 0;
        }));
        return command;
    }
}
