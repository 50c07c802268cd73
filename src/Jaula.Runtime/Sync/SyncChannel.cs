using System.Buffers.Binary;
using Jaula.Linux;

namespace Jaula.Runtime.Sync;

/// <summary>
/// Length-prefixed frames over a stream socket: a header of two little-endian u32 (type, payload length), then the
/// payload. Sizes are bounded so a confused or hostile peer cannot make us allocate without limit.
/// </summary>
public sealed class SyncChannel : IDisposable
{
    /// <summary>The largest frame: what one read allocates before more of a message is seen.</summary>
    public const int MaxPayload = 16 * 1024 * 1024;

    /// <summary>The largest message (frames joined by <see cref="FrameType.Continued"/>): a bound, not a format limit.</summary>
    public const int MaxMessage = 1024 * 1024 * 1024;
    private const int HeaderSize = 8;

    public SyncChannel(SafeFd socket) => Socket = socket;

    public SafeFd Socket { get; }

    /// <summary>
    /// Sends a message of any size: a payload longer than <see cref="MaxPayload"/> goes as <see cref="FrameType.Continued"/>
    /// frames of at most that size, the last piece in a frame of <paramref name="type"/> (a 10 MB annotation makes a
    /// plan larger than one frame). With <paramref name="fdToSend"/>, the descriptor rides on the first header
    /// (SCM_RIGHTS).
    /// </summary>
    public void Send(FrameType type, ReadOnlySpan<byte> payload = default, SafeFd? fdToSend = null)
    {
        if (payload.Length > MaxMessage)
            throw new InvalidOperationException($"sync message {type} of {payload.Length} bytes exceeds {MaxMessage}");
        while (payload.Length > MaxPayload)
        {
            SendFrame(FrameType.Continued, payload[..MaxPayload], fdToSend);
            fdToSend = null;
            payload = payload[MaxPayload..];
        }
        SendFrame(type, payload, fdToSend);
    }

    private void SendFrame(FrameType type, ReadOnlySpan<byte> payload, SafeFd? fdToSend)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payload.Length);
        if (fdToSend is null)
            Sys.WriteAll(Socket, header);
        else
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
            var (type, payload) = ReadPayload(header);
            return type == FrameType.Continued ? ReceiveRest(payload) : new Frame(type, payload);
        }
        catch
        {
            fd?.Dispose();
            fd = null;
            throw;
        }
    }

    /// <summary>Gathers the pieces of a message sent in <see cref="FrameType.Continued"/> frames, up to its last frame.</summary>
    private Frame ReceiveRest(byte[] firstPiece)
    {
        using var message = new MemoryStream();
        message.Write(firstPiece);
        Span<byte> header = stackalloc byte[HeaderSize];
        while (true)
        {
            ReadExactly(header, allowEof: false);
            var (type, piece) = ReadPayload(header);
            if (message.Length + piece.Length > MaxMessage)
                throw new InvalidDataException($"sync message {type} grows past {MaxMessage} bytes");
            message.Write(piece);
            if (type != FrameType.Continued)
                return new Frame(type, message.ToArray());
        }
    }

    private (FrameType Type, byte[] Payload) ReadPayload(ReadOnlySpan<byte> header)
    {
        var type = (FrameType)BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length > MaxPayload)
            throw new InvalidDataException($"sync frame {type} announces {length} bytes, more than {MaxPayload}");
        var payload = new byte[length];
        ReadExactly(payload, allowEof: false);
        return (type, payload);
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
