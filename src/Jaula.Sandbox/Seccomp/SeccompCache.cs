using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Jaula.Linux;

namespace Jaula.Sandbox.Seccomp;

/// <summary>
/// Compiled filters on disk, so a repeated linux.seccomp is not recompiled (libseccomp takes ~20 ms for a
/// Docker-sized profile). The key is exactly what libseccomp is given (the filter description) with the libseccomp
/// version and <see cref="FormatVersion"/>; the file is named by a 64-bit FNV-1a hash of the key and holds the key
/// itself, then the BPF, and is used only when the stored key equals the wanted one byte for byte, so a hash
/// collision (which a config author could aim for) only costs a recompile. (SHA-256 would load OpenSSL: ~5 ms,
/// a third of what the cache saves.) The directory must be the
/// caller's own and not writable by others, and files are opened without following symlinks: an entry someone else
/// could have written is never used. Any trouble with the cache means compiling afresh, never an error.
/// </summary>
public sealed class SeccompCache(string directory)
{
    /// <summary>Bump when native/seccomp_filter.c changes how a description becomes BPF.</summary>
    public const int FormatVersion = 1;

    public const string DefaultDirectory = "/run/jaula-seccomp-cache";

    public string Directory { get; } = directory;

    public static byte[] Key(SeccompFilterDescription filter, int libseccompVersion)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"jaula-seccomp {FormatVersion} libseccomp {libseccompVersion}\n");
        text.Append(CultureInfo.InvariantCulture, $"default {filter.DefaultAction}\n");
        foreach (string arch in filter.Architectures)
            text.Append("arch ").Append(Escape(arch)).Append('\n');
        foreach (var rule in filter.Rules)
        {
            text.Append(CultureInfo.InvariantCulture, $"rule {Escape(rule.Name)} {rule.Action}");
            foreach (var a in rule.Args)
                text.Append(CultureInfo.InvariantCulture, $" {a.Index}:{a.Op}:{a.Value}:{a.ValueTwo}");
            text.Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The file name for a key: FNV-1a 64 in hex.</summary>
    public static string FileName(ReadOnlySpan<byte> key)
    {
        ulong hash = 0xcbf29ce484222325;
        foreach (byte b in key)
            hash = (hash ^ b) * 0x100000001b3;
        return hash.ToString("x16", CultureInfo.InvariantCulture) + ".bpf";
    }

    /// <summary>Length-prefixed, so no name can pose as the end of one line and the start of another.</summary>
    private static string Escape(string value) => $"{value.Length.ToString(CultureInfo.InvariantCulture)}:{value}";

    /// <summary>The cached BPF for <paramref name="key"/>, or null.</summary>
    public byte[]? TryRead(byte[] key)
    {
        try
        {
            if (!Trusted(Sys.Lstat(Directory), directory: true))
                return null;
            using var fd = Sys.Open(Path.Combine(Directory, FileName(key)), OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.CloExec);
            var st = Sys.Fstat(fd);
            long bpfLength = st.Size - 4 - key.Length;
            if (!Trusted(st, directory: false) || bpfLength <= 0 || bpfLength > SeccompInterop.MaxBpfBytes || bpfLength % 8 != 0)
                return null;
            var content = new byte[st.Size];
            int done = 0;
            while (done < content.Length)
            {
                int n = Sys.Read(fd, content.AsSpan(done));
                if (n == 0)
                    return null;
                done += n;
            }
            bool sameKey = BinaryPrimitives.ReadInt32LittleEndian(content) == key.Length && content.AsSpan(4, key.Length).SequenceEqual(key);
            return sameKey ? content[(4 + key.Length)..] : null;
        }
        catch (ErrnoException)
        {
            return null;
        }
    }

    /// <summary>Stores the BPF (temp file + rename, so readers never see half of it); failures are ignored.</summary>
    public void TryWrite(byte[] key, byte[] bpf)
    {
        string name = FileName(key);
        string temp = Path.Combine(Directory, $".{name}.{Sys.GetPid()}.tmp");
        try
        {
            if (!Sys.TryLstat(Directory, out _))
                Sys.Mkdir(Directory, 0x1c0); // 0700
            if (!Trusted(Sys.Lstat(Directory), directory: true))
                return;
            using (var fd = Sys.Open(temp, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow | OpenFlags.CloExec, 0x180)) // 0600
            {
                var content = new byte[4 + key.Length + bpf.Length];
                BinaryPrimitives.WriteInt32LittleEndian(content, key.Length);
                key.CopyTo(content, 4);
                bpf.CopyTo(content, 4 + key.Length);
                Sys.WriteAll(fd, content);
            }
            Sys.Rename(temp, Path.Combine(Directory, name));
        }
        catch (ErrnoException)
        {
            try
            {
                Sys.Unlink(temp);
            }
            catch (ErrnoException) { }
        }
    }

    /// <summary>Ours, of the right type, and writable by nobody else.</summary>
    private static bool Trusted(FileStatus st, bool directory) =>
        st.Uid == Sys.GetEuid() && (directory ? st.IsDirectory : st.IsRegular) && (st.Permissions & 0x12) == 0; // no g+w, o+w
}
