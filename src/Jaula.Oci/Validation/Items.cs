namespace Jaula.Oci;

/// <summary>
/// Walks lists and maps, reporting null entries (JSON allows them, the model's element types do not) and
/// handing every other entry with its field path to a check.
/// </summary>
internal static class Items
{
    public static void Each<T>(List<T>? list, string field, Problems problems, Action<T, string> check)
        where T : class
    {
        if (list is null)
        {
            return;
        }
        for (var i = 0; i < list.Count; i++)
        {
            var itemField = FieldPath.Index(field, i);
            if (list[i] is { } item)
            {
                check(item, itemField);
            }
            else
            {
                problems.Add(itemField, "must not be null");
            }
        }
    }

    public static void Each<T>(Dictionary<string, T>? map, string field, Problems problems, Action<string, T, string> check)
        where T : class
    {
        if (map is null)
        {
            return;
        }
        foreach (var (key, value) in map)
        {
            var itemField = FieldPath.Property(field, key);
            if (value is null)
            {
                problems.Add(itemField, "must not be null");
            }
            else
            {
                check(key, value, itemField);
            }
        }
    }

    /// <summary>Reports entries of a list of names that are null or not in <paramref name="known"/>.</summary>
    public static void RequireKnown(List<string>? names, string field, IReadOnlyList<string> known, string what,
        Problems problems)
    {
        Each(names, field, problems, (name, itemField) =>
        {
            if (!known.Contains(name))
            {
                problems.Add(itemField, $"unknown {what} \"{name}\": use {KnownNames.OneOf(known)}");
            }
        });
    }
}
