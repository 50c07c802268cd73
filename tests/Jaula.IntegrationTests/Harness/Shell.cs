namespace Jaula.IntegrationTests.Harness;

/// <summary>Runs a host helper command (cp, the rootfs script) and insists that it succeeds.</summary>
public static class Shell
{
    public static CommandResult Run(string fileName, params string[] args)
    {
        using var command = RunningCommand.Start(fileName, args);
        CommandResult result = command.Wait(TimeSpan.FromMinutes(5));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"host command failed: {result}");
        }
        return result;
    }
}
