using System.Buffers.Binary;
using Jaula.Linux;

namespace Jaula.Runtime.Sync;

/// <summary>
/// Length-prefixed frames over a stream socket: a header of two little-endian u32 (type, payload length), then the
/// payload. Sizes are bounded so a confused or hostile peer cannot make us allocate without limit.
/// </summary>
public sealed class SyncChannel : IDisposable
{
    public const int MaxPayload = 16 * 1024 * 1024;
    private const int HeaderSize = 8;

    public SyncChannel(SafeFd socket) => Socket = socket;

    public SafeFd Socket { get; }

    public void Send(FrameType type, ReadOnlySpan<byte> payload = default)
    {
        if (payload.Length > MaxPayload)
            throw new InvalidOperationException($"sync frame {type} of {payload.Length} bytes exceeds {MaxPayload}");
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payload.Length);
        Sys.WriteAll(Socket, header);
        if (!payload.IsEmpty)
            Sys.WriteAll(Socket, payload);
    }

    /// <summary>Sends a frame with a descriptor attached to its first byte (SCM_RIGHTS).</summary>
    public void Send(FrameType type, ReadOnlySpan<byte> payload, SafeFd fdToSend)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payload.Length);
        Sys.SendWithFd(Socket, header, fdToSend);
        if (!payload.IsEmpty)
            Sys.WriteAll(Socket, payload);
    }

    /// <summary>Reads one frame; null when the peer closed the socket before a header.</summary>
    public Frame? Receive()
    {
        var frame = Receive(out SafeFd? fd);
        if (fd is not null)
            throw Unexpected(fd);
        return frame;
    }

    /// <summary>
    /// Reads one frame and the descriptor that came with its first byte, if any. Use it wherever the peer may send
    /// one: a plain read(2) would drop (close) the descriptor.
    /// </summary>
    public Frame? Receive(out SafeFd? fd)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        int first = Sys.ReceiveWithFd(Socket, header, out fd);
        if (first == 0)
        {
            fd?.Dispose();
            fd = null;
            return null;
        }
        try
        {
            ReadExactly(header[first..], allowEof: false);
            var type = (FrameType)BinaryPrimitives.ReadUInt32LittleEndian(header);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length > MaxPayload)
                throw new InvalidDataException($"sync frame {type} announces {length} bytes, more than {MaxPayload}");
            var payload = new byte[length];
            ReadExactly(payload, allowEof: false);
            return new Frame(type, payload);
        }
        catch
        {
            fd?.Dispose();
            fd = null;
            throw;
        }
    }

    private bool ReadExactly(Span<byte> buffer, bool allowEof)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = Sys.Read(Socket, buffer[done..]);
            if (n == 0)
            {
                if (allowEof && done == 0)
                    return false;
                throw new InvalidDataException("sync socket closed in the middle of a frame");
            }
            done += n;
        }
        return true;
    }

    private static InvalidDataException Unexpected(SafeFd fd)
    {
        fd.Dispose();
        return new InvalidDataException("a descriptor arrived on the sync socket where none was expected");
    }

    public void Dispose() => Socket.Dispose();
}

public sealed record Frame(FrameType Type, byte[] Payload);
