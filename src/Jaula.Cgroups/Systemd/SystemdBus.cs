using System.Net.Sockets;
using Tmds.DBus.Protocol;

namespace Jaula.Cgroups.Systemd;

/// <summary>
/// The calls jaula makes on systemd's manager object (org.freedesktop.systemd1), through Tmds.DBus.Protocol. As root
/// it talks to systemd directly on /run/systemd/private (no bus daemon needed: the library's Hello gets an error
/// reply there and the connection stays a peer one); otherwise through the system bus. Synchronous: every call waits
/// for its reply at most <see cref="DefaultCallTimeout"/>.
/// </summary>
public sealed class SystemdBus : IDisposable
{
    public const string PrivateSocket = "/run/systemd/private";
    public const string SystemBusSocket = "/run/dbus/system_bus_socket";
    private const string Destination = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Manager = "org.freedesktop.systemd1.Manager";
    private const string Properties = "org.freedesktop.DBus.Properties";
    public const string NoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
    public const string UnitExists = "org.freedesktop.systemd1.UnitExists";

    /// <summary>systemd answers at once (jobs run later); a silent connection is retried by the caller where that is safe.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Writes a call's arguments after its header.</summary>
    private delegate void BodyWriter(ref MessageWriter writer);

    private readonly DBusConnection _connection;
    private readonly TimeSpan _callTimeout;

    private SystemdBus(DBusConnection connection, TimeSpan callTimeout)
    {
        _connection = connection;
        _callTimeout = callTimeout;
    }

    public static SystemdBus Connect()
    {
        uint uid = Linux.Sys.GetUid();
        return Connect(uid == 0 && File.Exists(PrivateSocket) ? PrivateSocket : SystemBusSocket, uid);
    }

    /// <summary>Connects and authenticates (EXTERNAL as <paramref name="uid"/>) to systemd's socket or a bus daemon's.</summary>
    public static SystemdBus Connect(string socketPath, uint uid, TimeSpan? callTimeout = null)
    {
        TimeSpan timeout = callTimeout ?? DefaultCallTimeout;
        var connection = new DBusConnection(new SystemdBusOptions(socketPath, uid, timeout));
        try
        {
            WithoutContext(() => Wait($"connect to {socketPath} as uid {uid}", connection.ConnectAsync().AsTask(), timeout));
            return new SystemdBus(connection, timeout);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> without the caller's synchronization context: the library's receive loop and
    /// continuations must not capture one (xunit's counts them as the test's outstanding work and waits for them;
    /// a single-threaded one would deadlock the synchronous waits here). The CLI has none.
    /// </summary>
    private static T WithoutContext<T>(Func<T> work)
    {
        var callerContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return work();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(callerContext);
        }
    }

    private static void WithoutContext(Action work) => WithoutContext(() =>
    {
        work();
        return true;
    });

    /// <summary>StartTransientUnit(name, mode, properties, no aux units); returns the job's object path.</summary>
    public string StartTransientUnit(string unit, string mode, IReadOnlyList<UnitProperty> properties) =>
        Call(ManagerPath, Manager, "StartTransientUnit", "ssa(sv)a(sa(sv))", (ref MessageWriter w) =>
        {
            w.WriteString(unit);
            w.WriteString(mode);
            UnitProperties.Write(ref w, properties);
            w.WriteArrayEnd(w.WriteArrayStart(DBusType.Struct));
        }, static (m, _) => m.GetBodyReader().ReadObjectPathAsString());

    public void StopUnit(string unit, string mode) =>
        Call(ManagerPath, Manager, "StopUnit", "ss", (ref MessageWriter w) =>
        {
            w.WriteString(unit);
            w.WriteString(mode);
        }, IgnoreBody);

    public void ResetFailedUnit(string unit) =>
        Call(ManagerPath, Manager, "ResetFailedUnit", "s", (ref MessageWriter w) => w.WriteString(unit), IgnoreBody);

    /// <summary>Changes properties of a running unit; <paramref name="runtime"/> keeps them until reboot only.</summary>
    public void SetUnitProperties(string unit, bool runtime, IReadOnlyList<UnitProperty> properties) =>
        Call(ManagerPath, Manager, "SetUnitProperties", "sba(sv)", (ref MessageWriter w) =>
        {
            w.WriteString(unit);
            w.WriteBool(runtime);
            UnitProperties.Write(ref w, properties);
        }, IgnoreBody);

    /// <summary>The unit's ActiveState ("active", "activating", "failed"...), or null when systemd has no such unit loaded.</summary>
    public string? ActiveState(string unit)
    {
        string path;
        try
        {
            path = Call(ManagerPath, Manager, "GetUnit", "s", (ref MessageWriter w) => w.WriteString(unit),
                static (m, _) => m.GetBodyReader().ReadObjectPathAsString());
        }
        catch (SystemdErrorReplyException e) when (e.ErrorName == NoSuchUnit)
        {
            return null;
        }
        try
        {
            return GetProperty(path, "org.freedesktop.systemd1.Unit", "ActiveState");
        }
        catch (SystemdErrorReplyException e) when (e.ErrorName is NoSuchUnit or "org.freedesktop.DBus.Error.UnknownObject")
        {
            return null; // unloaded between the two calls
        }
    }

    /// <summary>Whether a job (StartTransientUnit's answer) is still queued or running: systemd drops its object when done.</summary>
    public bool JobPending(string jobPath)
    {
        try
        {
            GetProperty(jobPath, "org.freedesktop.systemd1.Job", "State");
            return true;
        }
        catch (SystemdErrorReplyException)
        {
            return false; // UnknownObject: the job has finished
        }
    }

    private string GetProperty(string path, string @interface, string name) =>
        Call(path, Properties, "Get", "ss", (ref MessageWriter w) =>
        {
            w.WriteString(@interface);
            w.WriteString(name);
        }, static (m, _) => m.GetBodyReader().ReadVariantValue().GetString());

    private static readonly MessageValueReader<bool> IgnoreBody = static (_, _) => true;

    private T Call<T>(string path, string @interface, string member, string signature, BodyWriter body, MessageValueReader<T> read)
    {
        MessageBuffer message;
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(Destination, path, @interface, member, signature, MessageFlags.None);
            body(ref writer);
            message = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
        return WithoutContext(() => Wait($"{@interface}.{member}", _connection.CallMethodAsync(message, read, null), _callTimeout));
    }

    /// <summary>Waits for a reply; an error reply and a failed or silent connection become jaula's own exceptions.</summary>
    private static T Wait<T>(string what, Task<T> reply, TimeSpan timeout)
    {
        try
        {
            return reply.WaitAsync(timeout).GetAwaiter().GetResult();
        }
        catch (DBusErrorReplyException e)
        {
            throw new SystemdErrorReplyException(what, e.ErrorName, e.ErrorMessage, e);
        }
        catch (TimeoutException e)
        {
            throw new SystemdBusException($"{what}: no answer within {timeout.TotalSeconds} s", e);
        }
        catch (Exception e) when (e is DBusExceptionBase or SocketException or IOException or ObjectDisposedException)
        {
            throw new SystemdBusException($"{what}: {e.Message}", e);
        }
    }

    private static void Wait(string what, Task connected, TimeSpan timeout) => Wait(what, connected.ContinueWith(static t =>
    {
        t.GetAwaiter().GetResult();
        return true;
    }, TaskScheduler.Default), timeout);

    public void Dispose() => _connection.Dispose();
}
