using System.Text;

namespace Jaula.Oci.Tests;

/// <summary>
/// spec-fixtures/configs: every valid config parses and validates; every invalid one is rejected with a message
/// containing the text of its sibling .expect file (the field's path and the cause).
/// </summary>
public class FixtureTests
{
    // Valid for jaula but outside the schema on purpose: runc's recursive propagation values ("rslave").
    private static readonly string[] BeyondTheSchema = ["mounts-galore.json"];

    // NJsonSchema throws on integers above Int64.MaxValue (here RLIM_INFINITY, 2^64-1, a valid uint64), so these
    // fixtures are checked by the parse and round-trip tests only.
    private static readonly string[] BeyondTheSchemaLibrary = ["rlimits-and-caps.json"];

    public static TheoryData<string> ValidConfigs => Fixtures("valid");

    public static TheoryData<string> InvalidConfigs => Fixtures("invalid");

    [Theory]
    [MemberData(nameof(ValidConfigs))]
    public void Valid_config_parses_and_validates(string name)
    {
        var path = Path.Combine(TestPaths.Fixtures, "valid", name);

        var act = () => SpecLoader.Parse(File.ReadAllBytes(path), path);

        act.Should().NotThrow();
    }

    [Theory]
    [MemberData(nameof(ValidConfigs))]
    public void Valid_config_satisfies_the_spec_schema(string name)
    {
        if (BeyondTheSchemaLibrary.Contains(name))
        {
            return;
        }
        var json = File.ReadAllText(Path.Combine(TestPaths.Fixtures, "valid", name));

        var errors = Schemas.Errors(Schemas.Config, json);

        if (BeyondTheSchema.Contains(name))
        {
            errors.Should().NotBeEmpty("the fixture is listed as going beyond the schema");
        }
        else
        {
            errors.Should().BeEmpty();
        }
    }

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Invalid_config_is_rejected_with_the_expected_message(string name)
    {
        var path = Path.Combine(TestPaths.Fixtures, "invalid", name);
        var expected = File.ReadAllText(Path.ChangeExtension(path, ".expect")).TrimEnd('\r', '\n');

        var act = () => SpecLoader.Parse(File.ReadAllBytes(path), path);

        act.Should().Throw<SpecException>()
            .Which.Message.Should().StartWith(path + ": ").And.Contain(expected);
    }

    [Fact]
    public void Every_invalid_config_has_an_expectation()
    {
        var folder = Path.Combine(TestPaths.Fixtures, "invalid");

        Directory.GetFiles(folder, "*.json")
            .Where(json => !File.Exists(Path.ChangeExtension(json, ".expect")))
            .Should().BeEmpty("each invalid fixture needs a .expect file with a substring of its error");
    }

    private static TheoryData<string> Fixtures(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(TestPaths.Fixtures, kind), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }
        return data;
    }
}
