namespace Jaula.Oci;

/// <summary>The runtime-spec versions jaula speaks.</summary>
public static class OciSpecVersion
{
    /// <summary>The version jaula implements and writes into state and new configs.</summary>
    public const string Current = "1.3.0";

    /// <summary>The oldest config version jaula accepts: configs are compatible within a major version.</summary>
    public const string Minimum = "1.0.0";

    /// <summary>The one major version accepted.</summary>
    public const int Major = 1;
}
