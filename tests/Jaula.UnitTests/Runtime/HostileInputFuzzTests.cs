using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime;
using Jaula.Runtime.Init;
using Jaula.Runtime.Sync;
using Jaula.Sandbox;
using Jaula.Sandbox.Seccomp;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>
/// Fuzz-style: thousands of mutated config.json documents and stage messages (fixed seeds, so a failure repeats).
/// The only acceptable outcomes are a parsed value or the clean error type of the layer; no other exception, no
/// crash, no hang (each batch runs under a generous watchdog).
/// </summary>
public class HostileInputFuzzTests
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Mutated_configs_give_a_spec_or_a_SpecException(int seed)
    {
        byte[] seedDocument = SeedConfig();
        SpecLoader.Parse(seedDocument, "seed").Should().NotBeNull("the unmutated seed is valid");
        var random = new Random(seed);
        var unexpected = new List<string>();
        int parsed = 0, refused = 0;

        RunWithWatchdog(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                byte[] document = Mutate(seedDocument, random);
                try
                {
                    var spec = SpecLoader.Parse(document, "fuzz");
                    parsed++;
                    if (spec.Linux?.Seccomp is { } seccomp)
                        TryPlan(seccomp);
                }
                catch (SpecException)
                {
                    refused++;
                }
                catch (Exception e)
                {
                    unexpected.Add($"#{i}: {e.GetType().Name}: {e.Message}\n{Encoding.UTF8.GetString(document)}");
                }
            }
        });

        unexpected.Should().BeEmpty();
        parsed.Should().BePositive("some mutations keep the document valid");
        refused.Should().BePositive("most mutations break it");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Mutated_sync_frames_give_frames_or_InvalidDataException(int seed)
    {
        var random = new Random(seed);
        var unexpected = new List<string>();

        RunWithWatchdog(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                byte[] stream = RandomFrames(random);
                var (writer, reader) = Sys.SocketPair();
                using var channel = new SyncChannel(reader);
                using (writer)
                    Sys.WriteAll(writer, stream); // small enough for the socket buffer; closed: the reader sees EOF
                try
                {
                    while (channel.Receive() is { } frame)
                        DecodeLikeTheReceivers(frame);
                }
                catch (InvalidDataException)
                {
                }
                catch (Exception e)
                {
                    unexpected.Add($"#{i}: {e.GetType().Name}: {e.Message}");
                }
            }
        });

        unexpected.Should().BeEmpty();
    }

    [Fact]
    public void A_frame_announcing_more_than_the_limit_is_refused_before_allocating()
    {
        var (writer, reader) = Sys.SocketPair();
        using var channel = new SyncChannel(reader);
        using (writer)
        {
            var header = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)FrameType.Plan);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), uint.MaxValue);
            Sys.WriteAll(writer, header);
        }

        channel.Invoking(c => c.Receive()).Should().Throw<InvalidDataException>().WithMessage("*more than*");
    }

    private static void TryPlan(SeccompSpec seccomp)
    {
        try
        {
            SeccompFilterPlan.From(seccomp);
        }
        catch (ContainerSetupException)
        {
        }
    }

    /// <summary>What the parent and the init do with each kind of payload: JSON errors are clean errors there.</summary>
    private static void DecodeLikeTheReceivers(Frame frame)
    {
        try
        {
            switch (frame.Type)
            {
                case FrameType.Plan:
                    JsonSerializer.Deserialize(frame.Payload, RuntimeJson.Default.InitPlan);
                    break;
                case FrameType.Error:
                    JsonSerializer.Deserialize(frame.Payload, RuntimeJson.Default.InitError)?.Describe();
                    break;
                case FrameType.Warning:
                    _ = Encoding.UTF8.GetString(frame.Payload);
                    break;
            }
        }
        catch (JsonException)
        {
        }
    }

    private static byte[] RandomFrames(Random random)
    {
        using var stream = new MemoryStream();
        int frames = random.Next(1, 4);
        for (int f = 0; f < frames; f++)
        {
            uint type = (uint)random.Next(0, 8);
            byte[] payload = random.Next(3) switch
            {
                0 => RandomBytes(random, random.Next(0, 64)),
                1 => Mutate("""{"field":"process.cwd","message":"x","errno":2}"""u8.ToArray(), random),
                _ => Mutate("""{"id":"c","bundle":"/b","rootfs":"/b/rootfs","spec":{"ociVersion":"1.3.0"},"seccomp":{"bpf":"AAAA","flags":2}}"""u8.ToArray(), random),
            };
            uint announced = random.Next(6) == 0 ? (uint)random.Next() : (uint)payload.Length;
            var header = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(header, type);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), announced);
            stream.Write(header);
            stream.Write(payload);
        }
        byte[] all = stream.ToArray();
        return random.Next(4) == 0 ? all[..random.Next(all.Length)] : all; // sometimes cut mid-frame
    }

    private static byte[] SeedConfig()
    {
        var node = JsonSerializer.SerializeToNode(DefaultSpec.Create(rootless: false), OciJsonContext.Default.Spec)!.AsObject();
        node["linux"]!["seccomp"] = JsonNode.Parse("""
            {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X32"],
             "flags":["SECCOMP_FILTER_FLAG_LOG"],"listenerPath":"/run/agent.sock","listenerMetadata":"m",
             "syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
                         {"names":["kill"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"args":[{"index":1,"value":9,"valueTwo":0,"op":"SCMP_CMP_EQ"}]},
                         {"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}
            """);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = new List<byte>(source);
        int rounds = random.Next(1, 4);
        for (int r = 0; r < rounds && bytes.Count > 0; r++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 32)));
                    break;
                case 2:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 3:
                    int length = Math.Min(bytes.Count - at, random.Next(1, 64));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at); // truncated
                    break;
                default:
                    return ReplaceValue(source, random) ?? bytes.ToArray();
            }
        }
        return bytes.ToArray();
    }

    private static readonly byte[][] Tokens =
    [
        "null"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(),
        "\""u8.ToArray(), "\\u0000"u8.ToArray(), "-1"u8.ToArray(), "1e999"u8.ToArray(), "18446744073709551616"u8.ToArray(),
        "\"../../../etc\""u8.ToArray(), "true"u8.ToArray(), "\xff\xfe"u8.ToArray(),
    ];

    /// <summary>Swaps one value somewhere in the document for a hostile one of another type or range.</summary>
    private static byte[]? ReplaceValue(byte[] source, Random random)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(source);
        }
        catch (JsonException)
        {
            return null;
        }
        var containers = new List<JsonNode>();
        Collect(root!, containers);
        var target = containers[random.Next(containers.Count)];
        JsonNode? replacement = random.Next(9) switch
        {
            0 => null,
            1 => JsonValue.Create(-1),
            2 => JsonValue.Create(ulong.MaxValue),
            3 => JsonValue.Create(new string('a', random.Next(1, 70000))),
            4 => new JsonArray(),
            5 => new JsonObject(),
            6 => Deep(random.Next(1, 300)),
            7 => JsonValue.Create("/proc/self/fd/3"),
            _ => JsonValue.Create(true),
        };
        if (target is JsonObject obj && obj.Count > 0)
            obj[obj.ElementAt(random.Next(obj.Count)).Key] = replacement;
        else if (target is JsonArray array && array.Count > 0)
            array[random.Next(array.Count)] = replacement;
        return Encoding.UTF8.GetBytes(root!.ToJsonString());
    }

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonObject();
        for (int i = 0; i < depth; i++)
            node = new JsonArray(node);
        return node;
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        if (node is JsonObject obj)
        {
            into.Add(obj);
            foreach (var (_, child) in obj)
                if (child is not null)
                    Collect(child, into);
        }
        else if (node is JsonArray array)
        {
            into.Add(array);
            foreach (var child in array)
                if (child is not null)
                    Collect(child, into);
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void RunWithWatchdog(Action work)
    {
        var task = Task.Run(work);
        task.Wait(Watchdog).Should().BeTrue("the inputs must never make the parser hang");
    }
}
