using System.Text;

namespace Jaula.Oci.Tests;

/// <summary>The runtime-spec's own example configs (schema/test/config/good and bad).</summary>
public class RuntimeSpecExampleTests
{
    public static TheoryData<string> GoodConfigs => FileNames(TestPaths.SpecTestConfigs("good"));

    [Theory]
    [MemberData(nameof(GoodConfigs))]
    public void Every_good_example_parses(string name)
    {
        var act = () => SpecLoader.Deserialize(ReadGood(name), name);

        act.Should().NotThrow();
    }

    // Validation is the create-time check of a Linux runtime, so only the Linux examples are held to it, and with
    // the problems they are expected to have: most examples omit process (optional until start, so not a problem) and the big one
    // predates 1.0. The freebsd-* and zos-* examples are not validated: jaula runs Linux containers only, and
    // their platform sections are kept verbatim, not checked.
    [Theory]
    [InlineData("minimal-for-start.json")]
    [InlineData("minimal.json")]
    [InlineData("linux-rdma.json")]
    [InlineData("linux-netdevice.json", "linux.netDevices")]
    [InlineData("spec-example.json", "ociVersion")]
    public void Linux_good_examples_have_only_the_expected_problems(string name, params string[] fields)
    {
        var spec = SpecLoader.Deserialize(ReadGood(name), name);

        SpecValidator.Validate(spec).Select(p => p.Field).Should().Equal(fields);
    }

    [Theory]
    [InlineData("invalid-json.json", "")]
    [InlineData("linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize")]
    [InlineData("linux-netdevice.json", "linux.netDevices.eth0.name")]
    [InlineData("linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles")]
    public void Linux_bad_examples_are_rejected_naming_the_field(string name, string field)
    {
        var complaints = Complaints(name);

        complaints.Should().Contain(c => c.Field == field, "the complaints were: {0}", string.Join("; ", complaints));
    }

    [Fact]
    public void Every_linux_bad_example_is_covered_above()
    {
        var covered = new[] { "invalid-json.json", "linux-hugepage.json", "linux-netdevice.json", "linux-rdma.json" };

        Names(TestPaths.SpecTestConfigs("bad"))
            .Where(name => name.StartsWith("linux-", StringComparison.Ordinal) || name == "invalid-json.json")
            .Should().BeEquivalentTo(covered, "a new bad Linux example needs its expected field in the theory above");
    }

    [Fact]
    public void Invalid_json_example_is_reported_by_line_and_column()
    {
        var act = () => SpecLoader.Deserialize(File.ReadAllBytes(BadPath("invalid-json.json")), "invalid-json.json");

        act.Should().Throw<SpecException>().WithMessage("invalid-json.json: invalid JSON at line 1, column 2: *");
    }

    private static List<SpecProblem> Complaints(string name)
    {
        try
        {
            var spec = SpecLoader.Deserialize(File.ReadAllBytes(BadPath(name)), name);
            return SpecValidator.Validate(spec).ToList();
        }
        catch (SpecException e)
        {
            return [new SpecProblem(e.Field, e.Message)];
        }
    }

    private static byte[] ReadGood(string name) => File.ReadAllBytes(Path.Combine(TestPaths.SpecTestConfigs("good"), name));

    private static string BadPath(string name) => Path.Combine(TestPaths.SpecTestConfigs("bad"), name);

    private static TheoryData<string> FileNames(string folder) => new(Names(folder));

    private static List<string> Names(string folder)
    {
        var names = Directory.GetFiles(folder, "*.json").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
        names.Should().NotBeEmpty($"{folder} should hold the spec's examples");
        return names;
    }
}
