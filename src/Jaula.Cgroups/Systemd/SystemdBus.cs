using Jaula.Cgroups.DBus;

namespace Jaula.Cgroups.Systemd;

/// <summary>
/// The calls jaula makes on systemd's manager object (org.freedesktop.systemd1). As root it talks to systemd directly
/// on /run/systemd/private (no bus daemon needed, no Hello); otherwise through the system bus.
/// </summary>
public sealed class SystemdBus(DBusConnection connection) : IDisposable
{
    public const string PrivateSocket = "/run/systemd/private";
    public const string SystemBusSocket = "/run/dbus/system_bus_socket";
    private const string Destination = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Manager = "org.freedesktop.systemd1.Manager";
    public const string NoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
    public const string UnitExists = "org.freedesktop.systemd1.UnitExists";

    /// <summary>systemd answers at once (jobs run later); a silent connection is retried by the caller where that is safe.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    public static SystemdBus Connect()
    {
        uint uid = Linux.Sys.GetUid();
        bool direct = uid == 0 && File.Exists(PrivateSocket);
        return new SystemdBus(direct
            ? DBusConnection.Connect(PrivateSocket, uid, hello: false, CallTimeout)
            : DBusConnection.Connect(SystemBusSocket, uid, hello: true, CallTimeout));
    }

    /// <summary>StartTransientUnit(name, mode, properties, no aux units); returns the job's object path.</summary>
    public string StartTransientUnit(string unit, string mode, IReadOnlyList<UnitProperty> properties) =>
        (string)connection.Call(Destination, ManagerPath, Manager, "StartTransientUnit", "ssa(sv)a(sa(sv))", w =>
        {
            w.WriteString(unit);
            w.WriteString(mode);
            UnitProperties.Write(w, properties);
            w.WriteArray(8, () => { });
        })[0];

    public void StopUnit(string unit, string mode) =>
        connection.Call(Destination, ManagerPath, Manager, "StopUnit", "ss", w =>
        {
            w.WriteString(unit);
            w.WriteString(mode);
        });

    public void ResetFailedUnit(string unit) =>
        connection.Call(Destination, ManagerPath, Manager, "ResetFailedUnit", "s", w => w.WriteString(unit));

    /// <summary>Changes properties of a running unit; <paramref name="runtime"/> keeps them until reboot only.</summary>
    public void SetUnitProperties(string unit, bool runtime, IReadOnlyList<UnitProperty> properties) =>
        connection.Call(Destination, ManagerPath, Manager, "SetUnitProperties", "sba(sv)", w =>
        {
            w.WriteString(unit);
            w.WriteBool(runtime);
            UnitProperties.Write(w, properties);
        });

    /// <summary>The unit's ActiveState ("active", "activating", "failed"...), or null when systemd has no such unit loaded.</summary>
    public string? ActiveState(string unit)
    {
        string path;
        try
        {
            path = (string)connection.Call(Destination, ManagerPath, Manager, "GetUnit", "s", w => w.WriteString(unit))[0];
        }
        catch (DBusErrorException e) when (e.ErrorName == NoSuchUnit)
        {
            return null;
        }
        try
        {
            var value = (DBusVariantValue)connection.Call(Destination, path, "org.freedesktop.DBus.Properties", "Get", "ss", w =>
            {
                w.WriteString("org.freedesktop.systemd1.Unit");
                w.WriteString("ActiveState");
            })[0];
            return (string)value.Value;
        }
        catch (DBusErrorException e) when (e.ErrorName is NoSuchUnit or "org.freedesktop.DBus.Error.UnknownObject")
        {
            return null; // unloaded between the two calls
        }
    }

    /// <summary>Whether a job (StartTransientUnit's answer) is still queued or running: systemd drops its object when done.</summary>
    public bool JobPending(string jobPath)
    {
        try
        {
            connection.Call(Destination, jobPath, "org.freedesktop.DBus.Properties", "Get", "ss", w =>
            {
                w.WriteString("org.freedesktop.systemd1.Job");
                w.WriteString("State");
            });
            return true;
        }
        catch (DBusErrorException)
        {
            return false; // UnknownObject: the job has finished
        }
    }

    public void Dispose() => connection.Dispose();
}
