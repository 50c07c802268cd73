using System.Buffers.Binary;
using System.Text;
using Jaula.Linux;

namespace Jaula.Runtime.Network;

/// <summary>
/// The few rtnetlink requests moving a network device needs (RFC 3549; include/uapi/linux/rtnetlink.h): find a link,
/// list its addresses, move and rename it, bring it up, add an address. Each request waits for the kernel's answer.
/// </summary>
public sealed class RouteNetlink(SafeFd socket) : IDisposable
{
    private const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3;
    private const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22;
    private const ushort NLM_F_REQUEST = 0x1, NLM_F_ACK = 0x4, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_DUMP = 0x300;
    private const ushort IFLA_IFNAME = 3, IFLA_NET_NS_FD = 28;
    private const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_BROADCAST = 4, IFA_FLAGS = 8;
    private const uint IFF_UP = 1;
    private const uint IFA_F_PERMANENT = 0x80;
    private const byte RT_SCOPE_UNIVERSE = 0;
    private const int HeaderSize = 16, IfInfoSize = 16, IfAddrSize = 8;

    private uint _sequence;

    /// <summary>A permanent global address of a link: its ifaddrmsg fields and the attributes to add it again.</summary>
    public sealed record Address(byte Family, byte PrefixLength, byte Scope, List<(ushort Type, byte[] Value)> Attributes);

    /// <summary>The interface index of <paramref name="name"/>, or null when there is no such link.</summary>
    public int? LinkIndex(string name)
    {
        var request = new Message(RTM_GETLINK, NLM_F_REQUEST, new byte[IfInfoSize]);
        request.Attribute(IFLA_IFNAME, CString(name));
        foreach (var (type, payload) in Exchange(request))
        {
            if (type == NLMSG_ERROR)
            {
                int errno = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                if (errno == 19 /* ENODEV */)
                    return null;
                throw new ErrnoException("RTM_GETLINK", name, errno);
            }
            if (type == RTM_NEWLINK)
                return BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
        }
        return null;
    }

    /// <summary>Addresses on the link that RFC 3549 calls permanent and of global scope: the ones a move must keep.</summary>
    public List<Address> PermanentGlobalAddresses(int index)
    {
        var found = new List<Address>();
        foreach (var (type, payload) in Exchange(new Message(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, new byte[IfAddrSize])))
        {
            if (type == NLMSG_ERROR)
                ThrowIfError(payload, "RTM_GETADDR");
            if (type != RTM_NEWADDR || BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4)) != index)
                continue;
            uint flags = payload[2];
            var attributes = new List<(ushort, byte[])>();
            foreach (var (attrType, value) in Attributes(payload.AsSpan(IfAddrSize)))
            {
                if (attrType == IFA_FLAGS && value.Length >= 4)
                    flags = BinaryPrimitives.ReadUInt32LittleEndian(value);
                else if (attrType is IFA_ADDRESS or IFA_LOCAL or IFA_BROADCAST)
                    attributes.Add((attrType, value));
            }
            if ((flags & IFA_F_PERMANENT) != 0 && payload[3] == RT_SCOPE_UNIVERSE)
                found.Add(new Address(payload[0], payload[1], payload[3], attributes));
        }
        return found;
    }

    /// <summary>Moves the link into the namespace of <paramref name="netns"/>, renamed (a "%d" lets the kernel number it).</summary>
    public void MoveLink(int index, SafeFd netns, string newName)
    {
        var request = new Message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, IfInfo(index, 0, 0));
        Span<byte> fd = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(fd, netns.Value);
        request.Attribute(IFLA_NET_NS_FD, fd);
        request.Attribute(IFLA_IFNAME, CString(newName));
        Acknowledge(request, "RTM_NEWLINK (move)");
    }

    public void SetUp(int index) =>
        Acknowledge(new Message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, IfInfo(index, IFF_UP, IFF_UP)), "RTM_NEWLINK (up)");

    public void AddAddress(int index, Address address)
    {
        var header = new byte[IfAddrSize];
        header[0] = address.Family;
        header[1] = address.PrefixLength;
        header[2] = (byte)IFA_F_PERMANENT;
        header[3] = address.Scope;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        var request = new Message(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, header);
        foreach (var (type, value) in address.Attributes)
            request.Attribute(type, value);
        Acknowledge(request, "RTM_NEWADDR");
    }

    private void Acknowledge(Message request, string what)
    {
        foreach (var (type, payload) in Exchange(request))
        {
            if (type == NLMSG_ERROR)
            {
                ThrowIfError(payload, what);
                return;
            }
        }
        throw new ErrnoException(what, "no acknowledgement from the kernel", 5 /* EIO */);
    }

    private static void ThrowIfError(byte[] payload, string what)
    {
        int errno = -BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (errno != 0)
            throw new ErrnoException(what, null, errno);
    }

    /// <summary>Sends the request and yields the answers (type, payload) up to the acknowledgement, the single reply or NLMSG_DONE.</summary>
    private IEnumerable<(ushort Type, byte[] Payload)> Exchange(Message request)
    {
        uint sequence = ++_sequence;
        Sys.WriteAll(socket, request.ToBytes(sequence));
        bool dump = (request.Flags & NLM_F_DUMP) == NLM_F_DUMP;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n = Sys.Read(socket, buffer);
            int offset = 0;
            while (offset + HeaderSize <= n)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                if (length < HeaderSize || offset + length > n)
                    throw new InvalidDataException("malformed netlink answer");
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                uint seq = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 8));
                byte[] payload = buffer.AsSpan(offset + HeaderSize, length - HeaderSize).ToArray();
                offset += Align(length);
                if (seq != sequence)
                    continue;
                if (type == NLMSG_DONE)
                    yield break;
                yield return (type, payload);
                if (!dump || type == NLMSG_ERROR)
                    yield break;
            }
        }
    }

    private static IEnumerable<(ushort Type, byte[] Value)> Attributes(ReadOnlySpan<byte> data)
    {
        var list = new List<(ushort, byte[])>();
        int offset = 0;
        while (offset + 4 <= data.Length)
        {
            ushort length = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]);
            if (length < 4 || offset + length > data.Length)
                break;
            list.Add((type, data.Slice(offset + 4, length - 4).ToArray()));
            offset += Align(length);
        }
        return list;
    }

    private static byte[] IfInfo(int index, uint flags, uint change)
    {
        var info = new byte[IfInfoSize];
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(12), change);
        return info;
    }

    private static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + "\0");

    private static int Align(int length) => (length + 3) & ~3;

    public void Dispose() => socket.Dispose();

    /// <summary>One request: nlmsghdr, a fixed header (ifinfomsg or ifaddrmsg), then rtattrs.</summary>
    private sealed class Message(ushort type, ushort flags, byte[] fixedHeader)
    {
        private readonly List<byte> _body = [.. fixedHeader];

        public ushort Flags => flags;

        public void Attribute(ushort attrType, ReadOnlySpan<byte> value)
        {
            Span<byte> header = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + value.Length));
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], attrType);
            _body.AddRange(header);
            _body.AddRange(value);
            while (_body.Count % 4 != 0)
                _body.Add(0);
        }

        public byte[] ToBytes(uint sequence)
        {
            var bytes = new byte[HeaderSize + _body.Count];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), type);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), flags);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
            _body.CopyTo(bytes, HeaderSize);
            return bytes;
        }
    }
}
