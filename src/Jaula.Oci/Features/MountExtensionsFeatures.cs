using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>Mount features beyond mount(2) options.</summary>
public sealed class MountExtensionsFeatures
{
    /// <summary>Whether mounts[].uidMappings/gidMappings (idmapped mounts) are recognized.</summary>
    [JsonPropertyName("idmap")]
    public EnabledFeature? Idmap { get; set; }
}
