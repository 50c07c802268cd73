namespace Jaula.Oci.Tests.Validation;

public class TopLevelRuleTests
{
    [Fact]
    public void Valid_base_has_no_problems() => SpecValidator.Validate(Specs.Valid()).Should().BeEmpty();

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.3.0")]
    [InlineData("1.2.1-dev")]
    [InlineData("1.4.0-rc.1+build.5")]
    public void Any_1x_semver_is_accepted(string version) =>
        Specs.ProblemsAfter(s => s.OciVersion = version).Should().BeEmpty();

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("1.3", "is not a SemVer version")]
    [InlineData("01.3.0", "is not a SemVer version")]
    [InlineData("1.3.0-", "is not a SemVer version")]
    [InlineData("v1.3.0", "is not a SemVer version")]
    [InlineData("0.5.0-dev", "is not supported")]
    [InlineData("2.0.0", "is not supported")]
    public void Other_versions_are_refused(string version, string fragment) =>
        Specs.ProblemsAfter(s => s.OciVersion = version).ShouldReport("ociVersion", fragment);

    [Fact]
    public void Root_is_required() =>
        Specs.ProblemsAfter(s => s.Root = null).ShouldReport("root", "is required");

    [Fact]
    public void Root_path_must_not_be_empty() =>
        Specs.ProblemsAfter(s => s.Root!.Path = "").ShouldReport("root.path", "must not be empty");

    [Fact]
    public void Hostname_needs_a_uts_namespace() =>
        Specs.ProblemsAfter(s => s.Hostname = "box").ShouldReport("hostname", "add {\"type\": \"uts\"} to linux.namespaces");

    [Fact]
    public void Domainname_needs_a_uts_namespace() =>
        Specs.ProblemsAfter(s => s.Domainname = "example.test").ShouldReport("domainname", "needs a UTS namespace");

    [Fact]
    public void Hostname_may_be_set_in_a_joined_uts_namespace() =>
        Specs.ProblemsAfter(s =>
        {
            s.Hostname = "box";
            s.Linux!.Namespaces = [new NamespaceSpec { Type = "uts", Path = "/proc/1/ns/uts" }];
        }).Should().BeEmpty();

    [Fact]
    public void Empty_hostname_is_unset_and_needs_nothing() =>
        Specs.ProblemsAfter(s => s.Hostname = "").Should().BeEmpty();

    [Fact]
    public void Hostname_longer_than_the_kernel_allows_is_refused() =>
        Specs.ProblemsAfter(s =>
        {
            s.Hostname = new string('h', 65);
            s.Linux!.Namespaces = Specs.Namespaces("uts");
        }).ShouldReport("hostname", "at most 64 bytes");

    [Fact]
    public void Annotation_keys_must_not_be_empty() =>
        Specs.ProblemsAfter(s => s.Annotations = new() { [""] = "x", ["com.example.ok"] = "" })
            .ShouldReport("annotations['']", "keys must not be empty");

    [Fact]
    public void Hook_paths_must_be_absolute() =>
        Specs.ProblemsAfter(s => s.Hooks = new HooksSpec { Prestart = [new HookSpec { Path = "fix-mounts" }] })
            .ShouldReport("hooks.prestart[0].path", "must be an absolute path");

    [Fact]
    public void Hook_timeouts_must_be_positive() =>
        Specs.ProblemsAfter(s => s.Hooks = new HooksSpec { Poststop = [new HookSpec { Path = "/bin/true", Timeout = -1 }] })
            .ShouldReport("hooks.poststop[0].timeout", "greater than 0");

    [Fact]
    public void Hook_env_entries_must_be_key_value() =>
        Specs.ProblemsAfter(s => s.Hooks = new HooksSpec { StartContainer = [new HookSpec { Path = "/bin/true", Env = ["=x"] }] })
            .ShouldReport("hooks.startContainer[0].env[0]", "KEY=VALUE");

    [Fact]
    public void Problems_come_in_document_order()
    {
        var problems = Specs.ProblemsAfter(s =>
        {
            s.OciVersion = "9.0.0";
            s.Process!.Cwd = "x";
            s.Linux!.MaskedPaths = ["y"];
        });

        problems.Select(p => p.Field).Should().Equal("ociVersion", "process.cwd", "linux.maskedPaths[0]");
    }
}
