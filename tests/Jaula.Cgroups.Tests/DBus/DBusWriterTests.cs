using Jaula.Cgroups.DBus;

namespace Jaula.Cgroups.Tests.DBus;

/// <summary>
/// Marshalling against byte vectors worked out by hand from the D-Bus specification's "Marshaling (Wire Format)"
/// rules: little endian, each value padded to its alignment from the start of the message, strings as length + UTF-8
/// + NUL, signatures as one length byte + ASCII + NUL, arrays as a byte length then padding to the element alignment.
/// </summary>
public sealed class DBusWriterTests
{
    private static byte[] Write(Action<DBusWriter> write)
    {
        var w = new DBusWriter();
        write(w);
        return w.ToArray();
    }

    [Fact]
    public void A_string_is_its_length_its_utf8_bytes_and_a_nul()
    {
        Write(w => w.WriteString("ab")).Should().Equal(0x02, 0, 0, 0, (byte)'a', (byte)'b', 0);
    }

    [Fact]
    public void A_uint64_after_a_byte_is_padded_to_eight()
    {
        Write(w =>
        {
            w.WriteByte(1);
            w.WriteUInt64(0x0102030405060708);
        }).Should().Equal(1, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1);
    }

    [Fact]
    public void A_boolean_is_a_uint32_and_a_signature_has_a_one_byte_length()
    {
        Write(w =>
        {
            w.WriteSignature("b");
            w.WriteBool(true);
        }).Should().Equal(1, (byte)'b', 0, 0, 1, 0, 0, 0);
    }

    [Fact]
    public void An_array_of_struct_sv_counts_its_bytes_after_the_padding_to_eight()
    {
        // length(4) pad(4) | "Delegate": len 8, 8 bytes, NUL (offsets 8..20) | variant "b" (21..23) | true (24..27)
        byte[] expected =
        [
            20, 0, 0, 0, 0, 0, 0, 0,
            8, 0, 0, 0, (byte)'D', (byte)'e', (byte)'l', (byte)'e', (byte)'g', (byte)'a', (byte)'t', (byte)'e', 0,
            1, (byte)'b', 0,
            1, 0, 0, 0,
        ];
        Write(w => Jaula.Cgroups.Systemd.UnitProperties.Write(w, [new("Delegate", DBusVariant.Bool(true))])).Should().Equal(expected);
    }

    [Fact]
    public void An_empty_array_of_structs_still_has_its_padding()
    {
        Write(w => w.WriteArray(8, () => { })).Should().Equal(0, 0, 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void Byte_and_uint32_arrays_in_variants()
    {
        Write(w => w.WriteVariant(DBusVariant.ByteArray([0x0f, 0x01]))).Should().Equal(2, (byte)'a', (byte)'y', 0, 2, 0, 0, 0, 0x0f, 0x01);
        Write(w => w.WriteVariant(DBusVariant.UInt32Array([7]))).Should().Equal(2, (byte)'a', (byte)'u', 0, 4, 0, 0, 0, 7, 0, 0, 0);
    }

    [Fact]
    public void A_uint64_variant_pads_after_its_signature()
    {
        Write(w => w.WriteVariant(DBusVariant.UInt64(1))).Should().Equal(1, (byte)'t', 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void Invalid_object_paths_and_nul_in_strings_are_refused()
    {
        var w = new DBusWriter();
        w.Invoking(x => x.WriteObjectPath("/a//b")).Should().Throw<ArgumentException>();
        w.Invoking(x => x.WriteObjectPath("/a/")).Should().Throw<ArgumentException>();
        w.Invoking(x => x.WriteString("a\0b")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_method_call_header_carries_its_fields_as_a_yv_and_pads_to_eight()
    {
        var message = new DBusMessage { Type = DBusMessageType.MethodCall, Serial = 1, Path = "/o", Member = "M" };
        byte[] expected =
        [
            (byte)'l', 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0,
            // field PATH (1): o "/o"                          offsets 16..26
            1, 1, (byte)'o', 0, 2, 0, 0, 0, (byte)'/', (byte)'o', 0,
            0, 0, 0, 0, 0,                                   // to 32
            // field MEMBER (3): s "M"                          offsets 32..41
            3, 1, (byte)'s', 0, 1, 0, 0, 0, (byte)'M', 0,
            0, 0, 0, 0, 0, 0,                                // header padded to 48, no body
        ];
        message.Encode().Should().Equal(expected);
    }

    [Fact]
    public void The_uid_for_sasl_external_is_hex_of_its_decimal_digits()
    {
        DBusConnection.HexUid(0).Should().Be("30");
        DBusConnection.HexUid(1000).Should().Be("31303030");
    }
}
