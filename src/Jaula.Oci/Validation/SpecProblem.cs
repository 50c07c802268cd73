namespace Jaula.Oci;

/// <summary>One broken rule: the JSON path of the offending field and what is wrong and what is allowed.</summary>
public sealed record SpecProblem(string Field, string Message);
