namespace Jaula.Sandbox.Seccomp;

/// <summary>SCMP_CMP_* names to libseccomp's enum scmp_compare.</summary>
public static class SeccompOperators
{
    public static uint? Parse(string name) => name switch
    {
        "SCMP_CMP_NE" => 1,
        "SCMP_CMP_LT" => 2,
        "SCMP_CMP_LE" => 3,
        "SCMP_CMP_EQ" => 4,
        "SCMP_CMP_GE" => 5,
        "SCMP_CMP_GT" => 6,
        "SCMP_CMP_MASKED_EQ" => 7,
        _ => null,
    };
}
