using System.Text.Json.Serialization;

namespace Jaula.Runtime.Init;

/// <summary>A failure in the C stage or the init, as sent to the parent in an Error frame.</summary>
public sealed class InitError
{
    /// <summary>What the init was doing: "setns", "mount", "pivot_root", "exec"...</summary>
    [JsonPropertyName("step")] public string? Step { get; init; }

    /// <summary>The file or namespace involved.</summary>
    [JsonPropertyName("path")] public string? Path { get; init; }

    /// <summary>The config field, as a JSON path, when one is to blame.</summary>
    [JsonPropertyName("field")] public string? Field { get; init; }

    [JsonPropertyName("errno")] public int Errno { get; init; }

    /// <summary>The C init (native/c_init.c): the rootfs operation that failed, and where in it (JAULA_STEP_*).</summary>
    [JsonPropertyName("op")] public int? Op { get; init; }
    [JsonPropertyName("rootfsStep")] public int? RootfsStep { get; init; }

    /// <summary>The C init: the euid an X_OK check of args[0] ran as.</summary>
    [JsonPropertyName("uid")] public long? Uid { get; init; }

    /// <summary>A complete sentence; when absent the parent builds one from the other fields.</summary>
    [JsonPropertyName("message")] public string? Message { get; init; }

    /// <summary>The report in an ERROR frame, or null when it cannot be read.</summary>
    public static InitError? TryDecode(byte[] payload)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(payload, RuntimeJson.Default.InitError);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public string Describe()
    {
        string cause = Message ?? $"{Step} {Path}: {(Errno != 0 ? System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(Errno) : "failed")}";
        return Field is null ? cause : $"{Field}: {cause}";
    }
}
