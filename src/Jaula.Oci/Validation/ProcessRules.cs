namespace Jaula.Oci;

/// <summary>process, when present: args, cwd, env and user (config.md "Process", "User").</summary>
internal static class ProcessRules
{
    private const uint MaxUmask = 0x1FF; // 0777

    public static void Check(Spec spec, Problems problems)
    {
        var process = spec.Process;
        // config.md: process is REQUIRED only when start is called; `start` refuses a container created without one.
        if (process is null)
            return;
        CheckProcess(process, problems);
    }

    /// <summary>The rules for one process: the container's, or one `exec` runs.</summary>
    public static void CheckProcess(ProcessSpec process, Problems problems)
    {
        CheckArgs(process.Args, problems);
        CheckCwd(process.Cwd, problems);
        EnvRules.Check(process.Env, "process.env", problems);
        CheckUser(process.User, problems);
        CapabilityRules.Check(process.Capabilities, problems);
        RlimitRules.Check(process.Rlimits, problems);
        SchedulingRules.Check(process, problems);
    }

    private static void CheckArgs(List<string>? args, Problems problems)
    {
        if (args is null || args.Count == 0)
        {
            problems.Add("process.args", "must not be empty: the first entry is the program to run (looked up in PATH like execvp), e.g. [\"sh\"]");
            return;
        }
        Items.Each(args, "process.args", problems, (_, _) => { });
        if (args[0] is "")
        {
            problems.Add("process.args[0]", "must not be empty: it is the program to run");
        }
    }

    private static void CheckCwd(string cwd, Problems problems)
    {
        if (string.IsNullOrEmpty(cwd) || !cwd.StartsWith('/'))
        {
            problems.Add("process.cwd", $"must be an absolute path (starting with \"/\"), found \"{cwd}\"");
        }
    }

    private static void CheckUser(UserSpec? user, Problems problems)
    {
        if (user is null)
        {
            problems.Add("process.user", "is required: say who runs the process, e.g. {\"uid\": 0, \"gid\": 0}");
        }
        else
        {
            IdRules.Check(user.Uid, "process.user.uid", problems);
            IdRules.Check(user.Gid, "process.user.gid", problems);
            if (user.AdditionalGids is { } gids)
            {
                for (var i = 0; i < gids.Count; i++)
                {
                    IdRules.Check(gids[i], FieldPath.Index("process.user.additionalGids", i), problems);
                }
            }
            if (user.Umask > MaxUmask)
            {
                problems.Add("process.user.umask", $"must be at most 511 (0777: JSON numbers are decimal, so umask 022 is written 18), found {user.Umask}");
            }
        }
    }
}
