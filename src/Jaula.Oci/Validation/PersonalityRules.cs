namespace Jaula.Oci;

/// <summary>linux.personality: a known domain and no flags (the spec defines none yet).</summary>
internal static class PersonalityRules
{
    private const string Field = "linux.personality";

    public static void Check(Spec spec, Problems problems)
    {
        var personality = spec.Linux?.Personality;
        if (personality is null)
        {
            return;
        }
        if (!KnownNames.PersonalityDomains.Contains(personality.Domain))
        {
            var found = personality.Domain is null ? "it is missing" : $"found \"{personality.Domain}\"";
            problems.Add($"{Field}.domain", $"must be {KnownNames.OneOf(KnownNames.PersonalityDomains)}, {found}");
        }
        Items.Each(personality.Flags, $"{Field}.flags", problems, (flag, field) =>
            problems.Add(field, $"unknown flag \"{flag}\": the spec defines none yet, so flags must be empty"));
    }
}
