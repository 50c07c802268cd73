using Jaula.Linux;

namespace Jaula.Sandbox.Mounts;

/// <summary>
/// The options[] of one config.json mount, sorted into what each syscall takes.
/// </summary>
/// <param name="Flags">MS_* flags to set, including Bind (and Rec for rbind) and Remount; never propagation.</param>
/// <param name="ClearedFlags">MS_* flags explicitly turned off ("rw", "suid", "exec"...): a bind remount must not keep them.</param>
/// <param name="Propagation">
/// Every propagation type asked for (Private, Slave, Shared, Unbindable), plus Rec if any was an "r" form. Each type
/// is its own mount(2) call; <see cref="MountOptions.PropagationSteps"/> keeps them in order with their own Rec.
/// </param>
/// <param name="IsBind">"bind" or "rbind" was given.</param>
/// <param name="IsRecursiveBind">The last bind word was "rbind".</param>
/// <param name="RecursiveSet">mount_setattr attr_set from the "r" attribute words (rro, rnosuid...), for AT_RECURSIVE.</param>
/// <param name="RecursiveClear">mount_setattr attr_clr; holds the whole <see cref="MountAttr.AtimeMask"/> when an atime word was given.</param>
/// <param name="Idmap">"idmap" or "ridmap": an idmapped mount.</param>
/// <param name="RecursiveIdmap">"ridmap": idmap every mount below it too.</param>
/// <param name="TmpCopyUp">"tmpcopyup": copy the directory's old content into the new tmpfs.</param>
/// <param name="Data">Everything else, comma-joined in order: the filesystem's own options ("mode=755,size=65536k").</param>
public sealed record MountOptions(
    MountFlags Flags,
    MountFlags ClearedFlags,
    MountFlags Propagation,
    bool IsBind,
    bool IsRecursiveBind,
    MountAttr RecursiveSet,
    MountAttr RecursiveClear,
    bool Idmap,
    bool RecursiveIdmap,
    bool TmpCopyUp,
    string Data)
{
    /// <summary>The propagation words in the order given, each one type with Rec for the "r" forms.</summary>
    public IReadOnlyList<MountFlags> PropagationSteps { get; init; } = [];

    /// <summary>
    /// Parses mount(8) and runc option words; a later word overrides an earlier one ("ro,rw" is read-write), and
    /// unknown words go to <see cref="Data"/>.
    /// </summary>
    public static MountOptions Parse(IEnumerable<string>? options) => MountOptionsParser.Parse(options);

    /// <summary>The option words jaula recognizes in mounts[].options (features.md "mountOptions").</summary>
    public static IReadOnlyList<string> RecognizedWords => MountOptionsParser.Words;

    // A record compares a list by reference; two parses of the same words must be equal.
    public bool Equals(MountOptions? other) =>
        other is not null
        && (Flags, ClearedFlags, Propagation, IsBind, IsRecursiveBind, RecursiveSet, RecursiveClear, Idmap, RecursiveIdmap, TmpCopyUp, Data)
            == (other.Flags, other.ClearedFlags, other.Propagation, other.IsBind, other.IsRecursiveBind, other.RecursiveSet,
                other.RecursiveClear, other.Idmap, other.RecursiveIdmap, other.TmpCopyUp, other.Data)
        && PropagationSteps.SequenceEqual(other.PropagationSteps);

    public override int GetHashCode() => HashCode.Combine(Flags, ClearedFlags, Propagation, RecursiveSet, RecursiveClear, Data);
}
