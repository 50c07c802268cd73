using System.Globalization;

namespace Jaula.Sandbox.Process;

/// <summary>Kernel list syntax for CPUs and NUMA nodes ("0-3,7") as a bit mask, one bit per id.</summary>
public static class IdList
{
    /// <summary>The kernel takes masks of at most a page of bits; larger ids are certainly not on this host.</summary>
    public const int MaxId = 4095;

    public static ulong[] ToMask(string list, string field)
    {
        var mask = new ulong[0];
        foreach (string part in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0)
                continue;
            string[] ends = part.Split('-', 2);
            int first = ParseId(ends[0], field), last = ends.Length == 2 ? ParseId(ends[1], field) : first;
            if (last < first)
                throw new ContainerSetupException(field, $"\"{part}\" is a range that runs backwards");
            if (mask.Length <= last / 64)
                Array.Resize(ref mask, last / 64 + 1);
            for (int id = first; id <= last; id++)
                mask[id / 64] |= 1UL << (id % 64);
        }
        return mask;
    }

    private static int ParseId(string text, string field)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id > MaxId)
            throw new ContainerSetupException(field, $"\"{text}\" is not an id from 0 to {MaxId}");
        return id;
    }
}
