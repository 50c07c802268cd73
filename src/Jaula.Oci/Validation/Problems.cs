namespace Jaula.Oci;

/// <summary>The problems found so far, in the order the rules ran.</summary>
internal sealed class Problems : List<SpecProblem>
{
    public void Add(string field, string message) => Add(new SpecProblem(field, message));
}
