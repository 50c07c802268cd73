using System.Text;

namespace Jaula.Oci.Tests;

/// <summary>NUL characters and nulls inside arrays are refused by field before the model is built (issue 17).</summary>
public class JsonValueCheckTests
{
    private static SpecException Refusal(string json)
    {
        var act = () => JsonValueCheck.ThrowIfUnfaithful(Encoding.UTF8.GetBytes(json), "config.json");
        return act.Should().Throw<SpecException>().Which;
    }

    [Theory]
    [InlineData("""{"hostname":"ab\u0000cd"}""", "hostname")]
    [InlineData("""{"root":{"path":"a\u0000b"}}""", "root.path")]
    [InlineData("""{"process":{"env":["A=1","A=b\u0000c"]}}""", "process.env[1]")]
    [InlineData("""{"mounts":[{"destination":"/a"},{"destination":"/tmp/x\u0000y"}]}""", "mounts[1].destination")]
    [InlineData("""{"linux":{"sysctl":{"kernel.x\u0000y":"1"}}}""", "linux.sysctl['kernel.x\\u0000y']")]
    public void A_nul_character_is_refused_naming_the_field(string json, string field)
    {
        var e = Refusal(json);
        e.Field.Should().Be(field);
        e.Cause.Should().Contain("NUL");
    }

    [Theory]
    [InlineData("""{"mounts":[{"destination":"/a"},{"options":[null]}]}""", "mounts[1].options[0]")]
    [InlineData("""{"process":{"args":["sh",null]}}""", "process.args[1]")]
    [InlineData("""{"linux":{"namespaces":[[],null]}}""", "linux.namespaces[1]")]
    public void A_null_inside_an_array_is_refused_naming_the_entry(string json, string field)
    {
        var e = Refusal(json);
        e.Field.Should().Be(field);
        e.Cause.Should().Contain("must not be null");
    }

    [Fact]
    public void Annotations_may_hold_nul() =>
        JsonValueCheck.ThrowIfUnfaithful("""{"annotations":{"a\u0000":"b\u0000"},"hostname":"h"}"""u8, "config.json");

    [Fact]
    public void An_escaped_backslash_before_u0000_is_not_a_nul() =>
        JsonValueCheck.ThrowIfUnfaithful("""{"hostname":"a\\u0000"}"""u8, "config.json");
}
