using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A hugetlb controller limit for one page size.</summary>
public sealed class HugepageLimit
{
    /// <summary>"&lt;size&gt;&lt;K|M|G&gt;B", base 1024, e.g. "2MB".</summary>
    [JsonPropertyName("pageSize")]
    public required string PageSize { get; set; }

    /// <summary>Bytes.</summary>
    [JsonPropertyName("limit")]
    public required ulong Limit { get; set; }
}
