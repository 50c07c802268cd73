using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>How linux.namespaces becomes clone flags, late unshares and joins.</summary>
public sealed class NamespacePlan
{
    /// <summary>CLONE_NEW* flags created by clone itself.</summary>
    public int CreateFlags { get; private init; }
    /// <summary>
    /// CLONE_NEWCGROUP / CLONE_NEWTIME (and CLONE_NEWIPC with a new user namespace), unshared by the child after the
    /// parent placed it and it became root; CLONE_NEWUSER when the user namespace must come after the joins.
    /// </summary>
    public int UnshareFlags { get; private init; }
    public IReadOnlyList<(int NsType, string Path, string Field)> Joins { get; private init; } = [];

    public bool NewUser => (CreateFlags & CloneFlags.NewUser) != 0;
    /// <summary>The user namespace is unshared by the stage after the joins; the init is cloned after it.</summary>
    public bool UserAfterJoins => (UnshareFlags & CloneFlags.NewUser) != 0;
    public bool JoinsUser => Joins.Any(j => j.NsType == CloneFlags.NewUser);
    public bool InUserNamespace => NewUser || JoinsUser;
    public bool OwnMount => (CreateFlags & CloneFlags.NewNs) != 0 || Joins.Any(j => j.NsType == CloneFlags.NewNs);
    public bool NewPid => (CreateFlags & CloneFlags.NewPid) != 0;

    public static int FlagOf(string type) => type switch
    {
        "pid" => CloneFlags.NewPid,
        "network" => CloneFlags.NewNet,
        "mount" => CloneFlags.NewNs,
        "ipc" => CloneFlags.NewIpc,
        "uts" => CloneFlags.NewUts,
        "user" => CloneFlags.NewUser,
        "cgroup" => CloneFlags.NewCgroup,
        "time" => CloneFlags.NewTime,
        _ => throw JaulaException.ForField("linux.namespaces", $"unknown namespace type \"{type}\""),
    };

    public static NamespacePlan From(Spec spec)
    {
        int clone = 0, late = 0;
        var joins = new List<(int, string, string)>();
        var namespaces = spec.Linux?.Namespaces ?? [];
        for (int i = 0; i < namespaces.Count; i++)
        {
            var ns = namespaces[i];
            int flag = FlagOf(ns.Type);
            if (!string.IsNullOrEmpty(ns.Path))
                joins.Add((flag, ns.Path, $"linux.namespaces[{i}].path"));
            else if (flag is CloneFlags.NewCgroup or CloneFlags.NewTime)
                late |= flag; // the cgroup namespace must be rooted at the container's cgroup, placed after clone
            else
                clone |= flag;
        }
        if ((clone & CloneFlags.NewUser) != 0)
        {
            // The mqueue filesystem of an IPC namespace belongs to whoever made it: the mapped root, as under runc.
            late |= clone & CloneFlags.NewIpc;
            clone &= ~CloneFlags.NewIpc;
            // A namespace owned by the host's user namespace cannot be joined from inside a new one: join first,
            // then make the user namespace and the rest (runc's order; the stage clones the init after).
            if (joins.Any(j => j.Item1 != CloneFlags.NewUser))
                late |= CloneFlags.NewUser;
        }
        return new NamespacePlan { CreateFlags = clone, UnshareFlags = late, Joins = joins };
    }
}

