namespace Jaula.Oci.Tests.Validation;

/// <summary>A small valid config to break one rule at a time.</summary>
internal static class Specs
{
    public static Spec Valid() => new()
    {
        OciVersion = "1.3.0",
        Root = new RootSpec { Path = "rootfs" },
        Process = new ProcessSpec { Args = ["sh"], Cwd = "/", User = new UserSpec { Uid = 0, Gid = 0 } },
        Linux = new LinuxSpec(),
    };

    public static IReadOnlyList<SpecProblem> ProblemsAfter(Action<Spec> change)
    {
        var spec = Valid();
        change(spec);
        return SpecValidator.Validate(spec);
    }

    /// <summary>Asserts exactly one problem, on <paramref name="field"/>, whose message contains <paramref name="fragment"/>.</summary>
    public static void ShouldReport(this IReadOnlyList<SpecProblem> problems, string field, string fragment)
    {
        problems.Should().ContainSingle("exactly one rule should be broken, got: {0}", string.Join("; ", problems));
        problems[0].Field.Should().Be(field);
        problems[0].Message.Should().Contain(fragment);
    }

    public static List<NamespaceSpec> Namespaces(params string[] types) =>
        types.Select(t => new NamespaceSpec { Type = t }).ToList();
}
