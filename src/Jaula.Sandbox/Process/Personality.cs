using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Process;

/// <summary>linux.personality: the execution domain the process is exec'd with (LINUX32 makes `uname -m` say i686).</summary>
public static class Personality
{
    /// <summary>PER_LINUX and PER_LINUX32 from include/uapi/linux/personality.h.</summary>
    public static readonly IReadOnlyDictionary<string, uint> Domains = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["LINUX"] = 0x0000,
        ["LINUX32"] = 0x0008,
    };

    /// <summary>Checks the field before the container is reported ready; <see cref="Apply"/> sets it right before execve.</summary>
    public static uint? Check(PersonalitySpec? personality)
    {
        if (personality is null)
            return null;
        if (personality.Domain is null || !Domains.TryGetValue(personality.Domain, out uint domain))
            throw new ContainerSetupException("linux.personality.domain", $"must be LINUX or LINUX32, found \"{personality.Domain}\"");
        if (personality.Flags is { Count: > 0 })
            throw new ContainerSetupException("linux.personality.flags", "no personality flag is defined by the runtime spec; leave it empty");
        return domain;
    }

    /// <summary>Last thing before execve, so neither the init nor the startContainer hooks run under it.</summary>
    public static void Apply(PersonalitySpec? personality)
    {
        if (Check(personality) is not uint domain)
            return;
        try
        {
            Sys.SetPersonality(domain);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException("linux.personality", e.Message, e);
        }
    }
}
