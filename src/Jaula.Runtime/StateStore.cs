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
    private const string MadeFile = "made.json";

    /// <summary>A staging dir is locked right after mkdir: one this old and unlocked lost its creator (even to pid reuse).</summary>
    private static readonly TimeSpan StagingGrace = TimeSpan.FromSeconds(10);

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
        SweepStaging();
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Corrupt(id, path, Directory.Exists(path) ? "a directory stands in its place" : e.Message, e);
        }
        try
        {
            return RecordReader.TryRead(json) ?? JsonSerializer.Deserialize(json, RuntimeJson.Default.ContainerRecord)
                ?? throw Corrupt(id, path, "null", null);
        }
        catch (JsonException e)
        {
            throw Corrupt(id, path, e.Message, e);
        }
    }

    private static JaulaException Corrupt(string id, string path, string why, Exception? inner) =>
        new($"{path}: the container's state is corrupt ({why}); `delete --force {id}` removes it", inner);

    public void Save(ContainerRecord record) => WriteRecord(DirectoryOf(record.Id), record);

    private static void WriteRecord(string dir, ContainerRecord record) =>
        WriteAtomically(Path.Combine(dir, StateFile), RecordWriter.Serialize(record));

    /// <summary>Records what create is about to make (or has just made); see <see cref="MadeRecord"/>.</summary>
    public void SaveMade(string id, MadeRecord made) =>
        WriteAtomically(Path.Combine(DirectoryOf(id), MadeFile), RecordWriter.Serialize(made));

    /// <summary>The made record, or null when there is none or it is unreadable (then there is nothing more to learn).</summary>
    public MadeRecord? TryLoadMade(string id)
    {
        try
        {
            byte[] json = File.ReadAllBytes(Path.Combine(DirectoryOf(id), MadeFile));
            return RecordReader.TryReadMade(json) ?? JsonSerializer.Deserialize(json, RuntimeJson.Default.MadeRecord);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Write and rename: a reader (or a crash) never sees half a file. The tickets are written so too.</summary>
    internal static void WriteAtomically(string path, byte[] content)
    {
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
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
        SweepStaging();
        return Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .Where(ContainerId.IsValid)
            .Order(StringComparer.Ordinal)
            .ToList()!;
    }

    /// <summary>
    /// Removes the staging dirs (~id~pid) of creates that died between mkdir and rename: the creator's pid is gone, or
    /// the dir is unlocked and older than <see cref="StagingGrace"/> (the pid was reused). list and create call this.
    /// </summary>
    public void SweepStaging()
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(Root, "~*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string staging in entries)
        {
            if (IsAbandoned(staging))
                TryRemoveStaging(staging);
        }
    }

    private static bool IsAbandoned(string staging)
    {
        string name = Path.GetFileName(staging);
        int cut = name.LastIndexOf('~');
        if (cut <= 0 || !int.TryParse(name.AsSpan(cut + 1), System.Globalization.NumberStyles.None, null, out int pid))
            return false; // not ours
        if (pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            return true;
        return DateTime.UtcNow - Directory.GetLastWriteTimeUtc(staging) > StagingGrace && !IsLocked(staging);
    }

    private static bool IsLocked(string dir)
    {
        try
        {
            using var fd = Sys.Open(dir, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.CloExec);
            Sys.Flock(fd, Sys.LOCK_EX | Sys.LOCK_NB);
            return false;
        }
        catch (ErrnoException e) when (e.Errno == Errno.EAGAIN)
        {
            return true;
        }
        catch (ErrnoException)
        {
            return true; // gone or unreadable: leave it
        }
    }

    private static void TryRemoveStaging(string staging)
    {
        try
        {
            Directory.Delete(staging, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
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

    /// <summary>The locked directory's fd: a child that keeps a copy keeps the lock (the criu keeper does).</summary>
    public SafeFd Fd => _fd;

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
