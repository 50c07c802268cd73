using System.Globalization;
using System.Text;
using Tmds.DBus.Protocol;

namespace Jaula.Cgroups.Systemd;

/// <summary>
/// How Tmds.DBus.Protocol connects to systemd: over a <see cref="SystemdBusStream"/> that jaula connects to the socket
/// path itself, SASL EXTERNAL as the given uid (the peer checks it against the socket's credentials), no fd passing
/// (jaula sends none). The uid comes from jaula's own getuid, so the library's own lookups (its libc geteuid import,
/// /var/lib/dbus/machine-id) are never needed.
/// </summary>
internal sealed class SystemdBusOptions(string socketPath, uint uid, TimeSpan patience) : DBusConnectionOptions(Address(socketPath))
{
    protected override ValueTask<SetupResult> SetupAsync(CancellationToken cancellationToken) =>
        new(new SetupResult
        {
            ConnectionStream = SystemdBusStream.Connect(socketPath, patience),
            UserId = uid.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>A D-Bus address for a unix socket path: bytes outside the spec's optionally-escaped set become %xx.</summary>
    public static string Address(string socketPath)
    {
        var address = new StringBuilder("unix:path=");
        foreach (byte b in Encoding.UTF8.GetBytes(socketPath))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'/' or (byte)'.' or (byte)'\\' or (byte)'*')
                address.Append((char)b);
            else
                address.Append('%').Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return address.ToString();
    }
}
