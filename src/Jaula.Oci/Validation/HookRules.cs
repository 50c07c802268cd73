namespace Jaula.Oci;

/// <summary>hooks: absolute program paths and positive timeouts (config.md "POSIX-platform Hooks").</summary>
internal static class HookRules
{
    public static void Check(Spec spec, Problems problems)
    {
        var hooks = spec.Hooks;
        if (hooks is null)
        {
            return;
        }
        CheckList(hooks.Prestart, "prestart", problems);
        CheckList(hooks.CreateRuntime, "createRuntime", problems);
        CheckList(hooks.CreateContainer, "createContainer", problems);
        CheckList(hooks.StartContainer, "startContainer", problems);
        CheckList(hooks.Poststart, "poststart", problems);
        CheckList(hooks.Poststop, "poststop", problems);
    }

    private static void CheckList(List<HookSpec>? hooks, string name, Problems problems) =>
        Items.Each(hooks, FieldPath.Property("hooks", name), problems, (hook, field) => CheckOne(hook, field, problems));

    private static void CheckOne(HookSpec hook, string field, Problems problems)
    {
        if (string.IsNullOrEmpty(hook.Path) || !hook.Path.StartsWith('/'))
        {
            problems.Add(FieldPath.Property(field, "path"), $"must be an absolute path (hooks are not looked up in PATH), found \"{hook.Path}\"");
        }
        if (hook.Timeout <= 0)
        {
            problems.Add(FieldPath.Property(field, "timeout"), $"must be a number of seconds greater than 0 when set, found {hook.Timeout}");
        }
        EnvRules.Check(hook.Env, FieldPath.Property(field, "env"), problems);
    }
}
