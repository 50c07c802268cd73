using System.Text;

namespace Jaula.Oci.Tests;

public sealed class SpecLoaderTests : IDisposable
{
    private readonly string _bundle = Directory.CreateTempSubdirectory("jaula-oci-tests-").FullName;

    public void Dispose() => Directory.Delete(_bundle, recursive: true);

    [Fact]
    public void Load_reads_config_json_from_the_bundle()
    {
        File.Copy(Path.Combine(TestPaths.Fixtures, "valid", "minimal.json"), Path.Combine(_bundle, "config.json"));

        var spec = SpecLoader.Load(_bundle);

        spec.Process!.Args.Should().Equal("sh");
    }

    [Fact]
    public void Missing_config_says_to_check_the_bundle_path()
    {
        var act = () => SpecLoader.Load(_bundle);

        var error = act.Should().Throw<SpecException>().Which;
        error.Message.Should().Be(
            $"{_bundle}/config.json: no such file: is the bundle path right? (-b/--bundle, default: the current directory)");
        error.File.Should().Be($"{_bundle}/config.json");
        error.Field.Should().BeEmpty();
    }

    [Fact]
    public void Missing_bundle_directory_is_reported_the_same_way()
    {
        var act = () => SpecLoader.Load(Path.Combine(_bundle, "absent"));

        act.Should().Throw<SpecException>().WithMessage("*absent/config.json: no such file: is the bundle path right?*");
    }

    [Fact]
    public void Config_that_is_a_directory_is_reported()
    {
        Directory.CreateDirectory(Path.Combine(_bundle, "config.json"));

        var act = () => SpecLoader.Load(_bundle);

        act.Should().Throw<SpecException>().WithMessage("*/config.json: is a directory, not a file");
    }

    [Fact]
    public void Malformed_json_is_reported_by_line_and_column()
    {
        var act = () => Parse("{\n  \"ociVersion\": \"1.3.0\",\n  \"root\": tru\n}");

        var error = act.Should().Throw<SpecException>().Which;
        error.Message.Should().StartWith("config.json: invalid JSON at line 3, column ");
        error.Field.Should().BeEmpty();
    }

    [Fact]
    public void Wrong_type_names_the_field_what_was_expected_and_what_was_found()
    {
        var act = () => Parse("""{"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":{"cwd":"/","args":["sh"],"user":{"uid":true,"gid":0}}}""");

        var error = act.Should().Throw<SpecException>().Which;
        error.Field.Should().Be("process.user.uid");
        error.Cause.Should().StartWith("expected an integer from 0 to 4294967295, found true");
    }

    [Fact]
    public void Null_for_a_required_value_is_refused()
    {
        var act = () => Parse("""{"ociVersion":"1.3.0","root":{"path":null}}""");

        act.Should().Throw<SpecException>().Which.Message.Should().StartWith("config.json: root.path: expected a string, found null");
    }

    [Fact]
    public void Map_keys_with_dots_are_quoted_in_the_field_path()
    {
        var act = () => Parse("""{"ociVersion":"1.3.0","linux":{"sysctl":{"net.ipv4.ip_forward":1}}}""");

        act.Should().Throw<SpecException>().Which.Field.Should().Be("linux.sysctl['net.ipv4.ip_forward']");
    }

    [Theory]
    [InlineData("plain_key")]
    [InlineData("net.ipv4.ip_forward")]
    [InlineData("net/ipv4/ip_forward")]
    [InlineData("with space")]
    [InlineData("it's")]
    public void Serializer_and_validator_write_the_same_field_paths(string key)
    {
        var quotedKey = System.Text.Json.JsonSerializer.Serialize(key);
        var json = "{\"ociVersion\":\"1.3.0\",\"linux\":{\"sysctl\":{" + quotedKey + ":1}}}";

        var act = () => Parse(json);

        act.Should().Throw<SpecException>().Which.Field.Should().Be(FieldPath.Property("linux.sysctl", key));
    }

    [Fact]
    public void First_validation_problem_is_thrown_with_a_count_of_the_rest()
    {
        var act = () => Parse("""{"ociVersion":"2.0.0","process":{"cwd":"relative","args":[]}}""");

        act.Should().Throw<SpecException>().Which.Message.Should()
            .StartWith("config.json: ociVersion: version 2.0.0 is not supported").And.EndWith("(and 4 more problems)");
    }

    [Fact]
    public void Byte_order_mark_is_accepted()
    {
        var json = File.ReadAllBytes(Path.Combine(TestPaths.Fixtures, "valid", "minimal.json"));

        var spec = SpecLoader.Parse([0xEF, 0xBB, 0xBF, .. json], "bom.json");

        spec.OciVersion.Should().Be("1.3.0");
    }

    [Fact]
    public void Deserialize_does_not_apply_the_rules()
    {
        var spec = SpecLoader.Deserialize("""{"ociVersion":"0.1.0"}"""u8, "old.json");

        spec.OciVersion.Should().Be("0.1.0");
    }

    [Fact]
    public void Duplicate_properties_keep_the_last_value()
    {
        var spec = SpecLoader.Deserialize("""{"ociVersion":"1.0.0","hostname":"a","hostname":"b"}"""u8, "dup.json");

        spec.Hostname.Should().Be("b");
    }

    private static Spec Parse(string json) => SpecLoader.Parse(Encoding.UTF8.GetBytes(json), "config.json");
}
