using System.Text.Json;
using Jaula.Linux;

namespace Jaula.Runtime;

/// <summary>
/// The state root (default /run/jaula): one directory per container, mode 0700, holding state.json and exec.fifo.
/// mkdir is the reservation (two creates of one id cannot both win) and flock on the directory serialises
/// operations on one container.
/// </summary>
public sealed class StateStore
{
    public const string DefaultRoot = "/run/jaula";
    private const string StateFile = "state.json";

    public StateStore(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public string DirectoryOf(string id)
    {
        ContainerId.Validate(id);
        return Path.Combine(Root, id);
    }

    /// <summary>
    /// Creates the container's directory, locked; fails with runc's text when the id is taken. The directory is made
    /// under a name no id can have ('~' is outside the charset), locked, and only then renamed into place, so a
    /// concurrent `delete` never finds it unlocked and empty (it would take it for debris and remove it). It carries
    /// <paramref name="initial"/> (the "creating" record) from the first moment it is visible.
    /// </summary>
    public ContainerLock Reserve(ContainerRecord initial)
    {
        string id = initial.Id;
        string dir = DirectoryOf(id);
        EnsureRoot();
        string staging = Path.Combine(Root, $"~{id}~{Environment.ProcessId}");
        Sys.Mkdir(staging, 0x1C0 /* 0700 */);
        ContainerLock held;
        try
        {
            held = ContainerLock.Acquire(staging);
        }
        catch
        {
            Sys.Rmdir(staging);
            throw;
        }
        try
        {
            WriteRecord(staging, initial);
            Sys.RenameNoReplace(staging, dir);
            return held.MovedTo(dir);
        }
        catch (Exception e)
        {
            held.Dispose();
            Directory.Delete(staging, recursive: true);
            if (e is ErrnoException { Errno: Errno.EEXIST or Errno.ENOTEMPTY })
                throw new JaulaException($"container with id exists: {id}");
            throw;
        }
    }

    /// <summary>Locks an existing container's directory; throws <see cref="ContainerNotFoundException"/> when absent.</summary>
    public ContainerLock Lock(string id)
    {
        string dir = DirectoryOf(id);
        try
        {
            return ContainerLock.Acquire(dir);
        }
        catch (ErrnoException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR)
        {
            throw new ContainerNotFoundException(id);
        }
    }

    public bool Exists(string id) => Directory.Exists(DirectoryOf(id));

    /// <summary>The record, or null while `create` has not written it yet (or after a create that crashed).</summary>
    public ContainerRecord? TryLoad(string id)
    {
        string path = Path.Combine(DirectoryOf(id), StateFile);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(json, RuntimeJson.Default.ContainerRecord);
        }
        catch (JsonException e)
        {
            throw new JaulaException($"{path}: the container's state is corrupt ({e.Message}); `delete --force {id}` removes it", e);
        }
    }

    public void Save(ContainerRecord record) => WriteRecord(DirectoryOf(record.Id), record);

    private static void WriteRecord(string dir, ContainerRecord record)
    {
        string temp = Path.Combine(dir, StateFile + ".tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(record, RuntimeJson.Default.ContainerRecord));
        File.Move(temp, Path.Combine(dir, StateFile), overwrite: true);
    }

    public void Remove(string id)
    {
        string dir = DirectoryOf(id);
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
    }

    public IReadOnlyList<string> ListIds()
    {
        if (!Directory.Exists(Root))
            return [];
        return Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .Where(ContainerId.IsValid)
            .Order(StringComparer.Ordinal)
            .ToList()!;
    }

    private void EnsureRoot()
    {
        if (Directory.Exists(Root))
            return;
        Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

/// <summary>An exclusive flock on a container's directory, released on dispose.</summary>
public sealed class ContainerLock : IDisposable
{
    private readonly SafeFd _fd;

    private ContainerLock(string directory, SafeFd fd)
    {
        Directory = directory;
        _fd = fd;
    }

    public string Directory { get; }

    /// <summary>The same lock after its directory was renamed (the flock follows the open directory).</summary>
    public ContainerLock MovedTo(string directory) => new(directory, _fd);

    public static ContainerLock Acquire(string directory)
    {
        var fd = Sys.Open(directory, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.CloExec);
        try
        {
            Sys.Flock(fd, Sys.LOCK_EX);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
        return new ContainerLock(directory, fd);
    }

    public void Dispose() => _fd.Dispose();
}
