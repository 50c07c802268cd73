namespace Jaula.Oci;

/// <summary>Environment lists (process.env, hooks[].env) hold KEY=VALUE strings, as environ(7) does.</summary>
internal static class EnvRules
{
    public static void Check(List<string>? env, string field, Problems problems)
    {
        if (env is null)
        {
            return;
        }
        for (var i = 0; i < env.Count; i++)
        {
            var entry = env[i];
            if (entry is null || entry.IndexOf('=') <= 0)
            {
                var found = entry is null ? "null" : $"\"{entry}\"";
                problems.Add(FieldPath.Index(field, i), $"must have the form KEY=VALUE with a non-empty KEY, found {found}");
            }
        }
    }
}
