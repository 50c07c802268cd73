using Jaula.Cgroups.DBus;

namespace Jaula.Cgroups.Tests.DBus;

/// <summary>Unmarshalling of hand-derived byte vectors, and refusal of bytes that break the wire format's rules.</summary>
public sealed class DBusReaderTests
{
    private static DBusReader Little(params byte[] bytes) => new(bytes, littleEndian: true);

    [Fact]
    public void A_variant_holding_a_string()
    {
        var value = (DBusVariantValue)Little(1, (byte)'s', 0, 0, 3, 0, 0, 0, (byte)'a', (byte)'c', (byte)'t', 0).ReadValue("v");
        value.Should().Be(new DBusVariantValue("s", "act"));
    }

    [Fact]
    public void Big_endian_numbers()
    {
        var r = new DBusReader(new byte[] { 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 }, littleEndian: false);
        r.ReadValues("ut").Should().Equal(258u, 9ul);
    }

    [Fact]
    public void A_struct_array_and_a_dict()
    {
        // a{sy}: length 14, pad to 8; entry "k" 0x05 at 8..14, pad to 16; entry "" 0x06 at 16..21.
        byte[] bytes = [14, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, (byte)'k', 0, 5, 0, 0, 0, 0, 0, 0, 6];
        var items = (List<object>)Little(bytes).ReadValue("a{sy}");
        items.Should().HaveCount(2);
        ((object[])items[0]).Should().Equal("k", (byte)5);
        ((object[])items[1]).Should().Equal("", (byte)6);
    }

    [Fact]
    public void A_string_longer_than_the_buffer_is_refused()
    {
        Little(100, 0, 0, 0, (byte)'a', 0).Invoking(r => r.ReadString()).Should().Throw<DBusProtocolException>().WithMessage("*truncated*");
    }

    [Fact]
    public void An_array_running_past_the_end_is_refused()
    {
        Little(40, 0, 0, 0, 1, 0, 0, 0).Invoking(r => r.ReadValue("au")).Should().Throw<DBusProtocolException>().WithMessage("*past the message end*");
    }

    [Fact]
    public void A_boolean_other_than_0_or_1_is_refused()
    {
        Little(2, 0, 0, 0).Invoking(r => r.ReadBool()).Should().Throw<DBusProtocolException>();
    }

    [Fact]
    public void Non_zero_padding_is_refused()
    {
        Little(7, 1, 0, 0, 1, 0, 0, 0).Invoking(r => r.ReadValues("yu")).Should().Throw<DBusProtocolException>().WithMessage("*padding*");
    }

    [Fact]
    public void A_variant_whose_signature_is_not_one_type_is_refused()
    {
        Little(2, (byte)'y', (byte)'y', 0, 1, 1).Invoking(r => r.ReadValue("v")).Should().Throw<DBusProtocolException>();
        Little(1, (byte)'(', 0).Invoking(r => r.ReadValue("v")).Should().Throw<DBusProtocolException>();
    }

    [Fact]
    public void Deeply_nested_variants_are_refused()
    {
        var bytes = new List<byte>();
        for (int i = 0; i < 100; i++)
            bytes.AddRange([1, (byte)'v', 0]);
        Little([.. bytes]).Invoking(r => r.ReadValue("v")).Should().Throw<DBusProtocolException>();
    }

    [Fact]
    public void A_message_round_trips_with_its_body()
    {
        var w = new DBusWriter();
        w.WriteString("jaula-c1.scope");
        w.WriteBool(true);
        var sent = new DBusMessage
        {
            Type = DBusMessageType.MethodReturn, Serial = 7, ReplySerial = 3, Destination = ":1.5", Signature = "sb", Body = w.ToArray(),
        };
        var back = DBusMessage.Decode(sent.Encode());
        back.Type.Should().Be(DBusMessageType.MethodReturn);
        back.Serial.Should().Be(7);
        back.ReplySerial.Should().Be(3);
        back.Destination.Should().Be(":1.5");
        back.ReadBody().Should().Equal("jaula-c1.scope", true);
    }

    [Fact]
    public void A_header_announcing_more_than_128_MiB_is_refused_before_reading_it()
    {
        byte[] head = [(byte)'l', 2, 0, 1, 0, 0, 0, 0x10, 1, 0, 0, 0, 0, 0, 0, 0];
        FluentActions.Invoking(() => DBusMessage.TotalLength(head)).Should().Throw<DBusProtocolException>().WithMessage("*128 MiB*");
    }

    [Fact]
    public void An_unknown_endianness_marker_is_refused()
    {
        byte[] head = [(byte)'x', 2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        FluentActions.Invoking(() => DBusMessage.TotalLength(head)).Should().Throw<DBusProtocolException>();
    }
}
