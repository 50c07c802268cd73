using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Jaula.Runtime;

namespace Jaula.Cli.Logging;

/// <summary>
/// runc-style logging. With --log FILE, lines are appended to it (JSON lines like logrus' with --log-format json:
/// containerd's shim reports the last "error" line, podman reads the file); errors and warnings also go to stderr.
/// </summary>
public sealed class CliLog(string? file, bool json, bool debug) : IRuntimeLog
{
    public bool DebugEnabled => debug;

    public void Debug(string message)
    {
        if (debug)
            Write("debug", message, toStderr: file is null);
    }

    public void Warn(string message) => Write("warning", ValueExcerpts.Shorten(message), toStderr: true);

    public void Error(string message) => Write("error", ValueExcerpts.Shorten(message), toStderr: true);

    private void Write(string level, string message, bool toStderr)
    {
        if (toStderr)
            Console.Error.WriteLine($"jaula: {(level == "error" ? "" : level + ": ")}{message}");
        if (file is null)
            return;
        try
        {
            File.AppendAllText(file, Format(level, message, DateTime.UtcNow));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"jaula: cannot write the log file {file}: {e.Message}");
        }
    }

    public string Format(string level, string message, DateTime utc)
    {
        string time = utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (!json)
            return $"time=\"{time}\" level={level} msg=\"{QuoteText(message)}\"\n";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("level", level);
            writer.WriteString("msg", message);
            writer.WriteString("time", time);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string QuoteText(string message) =>
        message.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
