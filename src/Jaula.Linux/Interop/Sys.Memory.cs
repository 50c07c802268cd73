namespace Jaula.Linux;

/// <summary>set_mempolicy(2): the NUMA memory policy of the calling thread, kept across execve.</summary>
public static partial class Sys
{
    private const long SetMempolicyNumber = 238;

    /// <param name="modeAndFlags">An MPOL_* mode ORed with MPOL_F_* flags.</param>
    /// <param name="nodes">One bit per node; empty for the modes that take none.</param>
    public static unsafe void SetMempolicy(int modeAndFlags, ulong[] nodes)
    {
        fixed (ulong* p = nodes)
        {
            // maxnode counts bits; the kernel reads maxnode - 1 of them (a historical off-by-one), so pass one more.
            nint maxNode = nodes.Length == 0 ? 0 : nodes.Length * 64 + 1;
            ThrowIfFailed(Syscall(SetMempolicyNumber, modeAndFlags, nodes.Length == 0 ? 0 : (nint)p, maxNode), "set_mempolicy");
        }
    }
}
