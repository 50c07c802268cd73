using Jaula.Linux;

namespace Jaula.Sandbox.Mounts;

/// <summary>Builds <see cref="MountOptions"/> word by word; a later word overrides an earlier one.</summary>
internal sealed class MountOptionsParser
{
    /// <summary>The access-time modes are one setting: choosing one drops the others.</summary>
    private const MountFlags AtimeModes = MountFlags.NoAtime | MountFlags.RelAtime | MountFlags.StrictAtime;

    /// <summary>mount(2) flag words: the flag, and whether the word turns it off.</summary>
    private static readonly Dictionary<string, (MountFlags Flag, bool Clear)> FlagWords = new(StringComparer.Ordinal)
    {
        ["defaults"] = (MountFlags.None, false),
        ["ro"] = (MountFlags.ReadOnly, false), ["rw"] = (MountFlags.ReadOnly, true),
        ["nosuid"] = (MountFlags.NoSuid, false), ["suid"] = (MountFlags.NoSuid, true),
        ["nodev"] = (MountFlags.NoDev, false), ["dev"] = (MountFlags.NoDev, true),
        ["noexec"] = (MountFlags.NoExec, false), ["exec"] = (MountFlags.NoExec, true),
        ["sync"] = (MountFlags.Synchronous, false), ["async"] = (MountFlags.Synchronous, true),
        ["dirsync"] = (MountFlags.DirSync, false),
        ["remount"] = (MountFlags.Remount, false),
        ["mand"] = (MountFlags.Mandlock, false), ["nomand"] = (MountFlags.Mandlock, true),
        ["noatime"] = (MountFlags.NoAtime, false), ["atime"] = (MountFlags.NoAtime, true),
        ["nodiratime"] = (MountFlags.NoDirAtime, false), ["diratime"] = (MountFlags.NoDirAtime, true),
        ["relatime"] = (MountFlags.RelAtime, false), ["norelatime"] = (MountFlags.RelAtime, true),
        ["strictatime"] = (MountFlags.StrictAtime, false), ["nostrictatime"] = (MountFlags.StrictAtime, true),
        ["lazytime"] = (MountFlags.LazyTime, false), ["nolazytime"] = (MountFlags.LazyTime, true),
        ["silent"] = (MountFlags.Silent, false), ["loud"] = (MountFlags.Silent, true),
        ["nosymfollow"] = (MountFlags.NoSymFollow, false), ["symfollow"] = (MountFlags.NoSymFollow, true),
    };

    private static readonly Dictionary<string, MountFlags> PropagationWords = new(StringComparer.Ordinal)
    {
        ["private"] = MountFlags.Private, ["rprivate"] = MountFlags.Private | MountFlags.Rec,
        ["shared"] = MountFlags.Shared, ["rshared"] = MountFlags.Shared | MountFlags.Rec,
        ["slave"] = MountFlags.Slave, ["rslave"] = MountFlags.Slave | MountFlags.Rec,
        ["unbindable"] = MountFlags.Unbindable, ["runbindable"] = MountFlags.Unbindable | MountFlags.Rec,
    };

    /// <summary>mount_setattr words, applied recursively: the attribute, and whether the word turns it off.</summary>
    private static readonly Dictionary<string, (MountAttr Attr, bool Clear)> RecursiveWords = new(StringComparer.Ordinal)
    {
        ["rro"] = (MountAttr.ReadOnly, false), ["rrw"] = (MountAttr.ReadOnly, true),
        ["rnosuid"] = (MountAttr.NoSuid, false), ["rsuid"] = (MountAttr.NoSuid, true),
        ["rnodev"] = (MountAttr.NoDev, false), ["rdev"] = (MountAttr.NoDev, true),
        ["rnoexec"] = (MountAttr.NoExec, false), ["rexec"] = (MountAttr.NoExec, true),
        ["rnodiratime"] = (MountAttr.NoDirAtime, false), ["rdiratime"] = (MountAttr.NoDirAtime, true),
        ["rnosymfollow"] = (MountAttr.NoSymFollow, false), ["rsymfollow"] = (MountAttr.NoSymFollow, true),
    };

    /// <summary>
    /// Recursive access-time words. The atime mode is an enum inside MOUNT_ATTR__ATIME, so each word sets the whole
    /// mode; turning a mode off ("ratime", "rnorelatime", "rnostrictatime") means the kernel default, relatime.
    /// </summary>
    private static readonly Dictionary<string, MountAttr> RecursiveAtimeWords = new(StringComparer.Ordinal)
    {
        ["rnoatime"] = MountAttr.NoAtime, ["ratime"] = MountAttr.RelAtime,
        ["rrelatime"] = MountAttr.RelAtime, ["rnorelatime"] = MountAttr.RelAtime,
        ["rstrictatime"] = MountAttr.StrictAtime, ["rnostrictatime"] = MountAttr.RelAtime,
    };

    /// <summary>
    /// Every option word this parser recognizes (not the filesystem data it passes through), for `jaula features`.
    /// </summary>
    internal static IReadOnlyList<string> Words { get; } =
    [
        .. FlagWords.Keys, .. PropagationWords.Keys, .. RecursiveWords.Keys, .. RecursiveAtimeWords.Keys,
        "bind", "rbind", "tmpcopyup", "idmap", "ridmap",
    ];

    private MountFlags _flags;
    private MountFlags _cleared;
    private MountFlags _propagation;
    private readonly List<MountFlags> _propagationSteps = [];
    private bool _isBind;
    private bool _isRecursiveBind;
    private MountAttr _recursiveSet;
    private MountAttr _recursiveClear;
    private bool _idmap;
    private bool _recursiveIdmap;
    private bool _tmpCopyUp;
    private readonly List<string> _data = [];

    public static MountOptions Parse(IEnumerable<string>? options)
    {
        var parser = new MountOptionsParser();
        foreach (string word in options ?? [])
        {
            if (word.Length > 0)
                parser.Add(word);
        }
        return parser.Build();
    }

    private void Add(string word)
    {
        if (FlagWords.TryGetValue(word, out var flag))
            AddFlag(flag.Flag, flag.Clear);
        else if (PropagationWords.TryGetValue(word, out var propagation))
            AddPropagation(propagation);
        else if (RecursiveWords.TryGetValue(word, out var attr))
            AddRecursive(attr.Attr, attr.Clear);
        else if (RecursiveAtimeWords.TryGetValue(word, out var atime))
            SetRecursiveAtime(atime);
        else
            AddSpecial(word);
    }

    private void AddSpecial(string word)
    {
        switch (word)
        {
            case "bind":
                SetBind(recursive: false);
                break;
            case "rbind":
                SetBind(recursive: true);
                break;
            case "idmap":
                _idmap = true;
                _recursiveIdmap = false;
                break;
            case "ridmap":
                _idmap = true;
                _recursiveIdmap = true;
                break;
            case "tmpcopyup":
                _tmpCopyUp = true;
                break;
            default:
                _data.Add(word);
                break;
        }
    }

    private void AddFlag(MountFlags flag, bool clear)
    {
        if (clear)
        {
            _flags &= ~flag;
            _cleared |= flag;
            return;
        }
        if ((flag & AtimeModes) != 0)
            _flags &= ~AtimeModes;
        _flags |= flag;
        _cleared &= ~flag;
    }

    private void AddPropagation(MountFlags propagation)
    {
        _propagation |= propagation;
        _propagationSteps.Add(propagation);
    }

    private void AddRecursive(MountAttr attr, bool clear)
    {
        if (clear)
        {
            _recursiveSet &= ~attr;
            _recursiveClear |= attr;
        }
        else
        {
            _recursiveSet |= attr;
            _recursiveClear &= ~attr;
        }
    }

    private void SetRecursiveAtime(MountAttr mode)
    {
        _recursiveSet = (_recursiveSet & ~MountAttr.AtimeMask) | mode;
        _recursiveClear |= MountAttr.AtimeMask;
    }

    private void SetBind(bool recursive)
    {
        _isBind = true;
        _isRecursiveBind = recursive;
        _flags = recursive ? _flags | MountFlags.Bind | MountFlags.Rec : (_flags | MountFlags.Bind) & ~MountFlags.Rec;
    }

    private MountOptions Build() => new(_flags, _cleared, _propagation, _isBind, _isRecursiveBind, _recursiveSet,
        _recursiveClear, _idmap, _recursiveIdmap, _tmpCopyUp, string.Join(',', _data))
    {
        PropagationSteps = _propagationSteps,
    };
}
