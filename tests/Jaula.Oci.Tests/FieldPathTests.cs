namespace Jaula.Oci.Tests;

public class FieldPathTests
{
    [Theory]
    [InlineData("", "process", "process")]
    [InlineData("process", "args", "process.args")]
    [InlineData("linux.sysctl", "net.ipv4.ip_forward", "linux.sysctl['net.ipv4.ip_forward']")]
    [InlineData("annotations", "", "annotations['']")]
    [InlineData("linux.sysctl", "net/ipv4", "linux.sysctl['net/ipv4']")]
    [InlineData("annotations", "it's", "annotations['it's']")]
    public void Property_paths_quote_names_that_are_not_plain(string parent, string name, string expected) =>
        FieldPath.Property(parent, name).Should().Be(expected);

    [Fact]
    public void Index_paths_use_brackets() => FieldPath.Index("mounts", 2).Should().Be("mounts[2]");

    [Theory]
    [InlineData("$", "")]
    [InlineData(null, "")]
    [InlineData("$.process.args[0]", "process.args[0]")]
    [InlineData("$['odd key'].x", "['odd key'].x")]
    public void Serializer_paths_lose_their_dollar(string? jsonPath, string expected) =>
        FieldPath.FromJsonPath(jsonPath).Should().Be(expected);
}
