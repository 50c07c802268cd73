using System.Globalization;

namespace Jaula.Runtime;

public static class Timestamps
{
    /// <summary>RFC 3339 in UTC with sub-second digits, as runc writes `created`.</summary>
    public static string Rfc3339Now() =>
        DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
