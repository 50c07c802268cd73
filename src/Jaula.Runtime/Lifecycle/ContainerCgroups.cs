using System.Runtime.InteropServices;
using Jaula.Cgroups;
using Jaula.Cgroups.Resources;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The container's cgroups on this host: created at linux.cgroupsPath in every hierarchy, linux.resources applied
/// (device rules with runc's defaults), before clone; the init then enters them by itself (<see cref="CgroupEntry"/>:
/// clone3 CLONE_INTO_CGROUP for cgroup2, "0" written to each v1 `tasks` file by the C stage's child), and only the
/// systemd driver or a refusing clone3 leave a cgroup.procs write to the parent. Any failure removes what was made, so
/// a refused value leaves nothing half-applied.
/// Rootless (a unified host only; see <see cref="Rootless.SkippedCgroups"/> for v1), as runc's fs2 driver does it:
/// the cgroup is made where linux.cgroupsPath says, which works inside a subtree delegated to the user; where the
/// kernel refuses for lack of permission, what was made is removed and the container goes on without a cgroup, with
/// a notice. The device filter needs privilege (bpf), so its refusal is only logged.
/// </summary>
/// <param name="beforeMake">Called with the record of the cgroup about to be made (its parents that do not exist yet
/// among those to remove), before any directory is made: create writes it down so a crash leaves nothing unnamed.</param>
public sealed class ContainerCgroups(Spec spec, string containerId, IRuntimeLog log, bool rootless = false, bool systemd = false,
    Action<CgroupRecord>? beforeMake = null)
    : ICgroupPlacement
{
    private ICgroupManager? _manager;
    private CgroupLayout? _layout;

    /// <summary>Set once a rootless caller turned out to have no write access: no cgroup, and no second attempt.</summary>
    private bool _skipped;

    /// <summary>The init writes itself into the v1 hierarchies' `tasks` (<see cref="CgroupEntry"/>); the parent must not.</summary>
    private bool _v1EnteredByInit;

    public CgroupRecord? Record => _manager?.ToRecord();

    public CgroupEntry? PrepareForClone()
    {
        var layout = Detect();
        if (systemd)
        {
            log.Debug($"cgroup: container {containerId}: the systemd driver starts its scope with the init's pid, so the init is moved in after clone");
            return null;
        }
        if (!Make(layout))
            return null;
        try
        {
            var entry = CgroupEntry.Open(_manager!.Paths.Select(p => (p.Key, p.Value)));
            if (entry is null)
                log.Debug($"cgroup: container {containerId}: more v1 hierarchies than the init can enter by itself ({InitStage.MaxCgroupTasks}); it is moved in after clone");
            _v1EnteredByInit = entry?.Tasks.Count > 0;
            return entry;
        }
        catch (ErrnoException e)
        {
            log.Debug($"cgroup: container {containerId}: {e.Message}; the init is moved in after clone");
            return null;
        }
    }

    public void Place(int pid, CgroupBirth birth)
    {
        if (_skipped || (_manager is null && !Make(Detect())))
            return;
        var paths = _manager!.Paths.Values.Distinct().ToList();
        string dir = paths.Count == 1 ? paths[0] : $"{paths[0]} and {paths.Count - 1} more hierarchies";
        if (_v1EnteredByInit)
            log.Debug($"cgroup: container {containerId}: the init (pid {pid}) moved itself into its v1 cgroups (tasks)");
        if (birth.Inside)
        {
            log.Debug($"cgroup: container {containerId}: the init (pid {pid}) was born in {_manager.Paths.GetValueOrDefault("", dir)} (clone3 CLONE_INTO_CGROUP)");
            return;
        }
        if (birth.Asked)
            log.Debug($"cgroup: container {containerId}: clone3 refused CLONE_INTO_CGROUP ({Errno.Name(birth.RefusedErrno)}: {Marshal.GetPInvokeErrorMessage(birth.RefusedErrno)}); the init (pid {pid}) is moved in through cgroup.procs");
        var manager = _manager;
        if (_v1EnteredByInit)
        {
            if (manager.Paths.TryGetValue("", out string? unified))
            {
                Guard(() => CgroupFile.Write(unified, "cgroup.procs", CgroupFile.Num(pid), "cgroup.procs"));
                log.Debug($"cgroup: container {containerId}: the init (pid {pid}) was moved into {unified} through cgroup.procs");
            }
            return;
        }
        Guard(() => manager.AddProcess(pid));
        if (_manager is not null)
            log.Debug($"cgroup: container {containerId}: the init (pid {pid}) was moved into {dir} through cgroup.procs");
    }

    /// <summary>
    /// For restore: creates the cgroup with its resources, no process yet, and returns where criu is to put the
    /// restored tree (`--cgroup-root [controller:]/path`, the path relative to each hierarchy's mount).
    /// </summary>
    public IReadOnlyList<string> PrepareForRestore()
    {
        var layout = Detect();
        if (!Make(layout))
            return [];
        var roots = new List<string>();
        foreach (var (controller, dir) in _manager!.Paths)
        {
            string? mount = controller.Length == 0 ? layout.UnifiedMountPoint : layout.HierarchyOf(controller)?.MountPoint;
            if (mount is null || controller == CgroupLayout.SystemdNamedHierarchy)
                continue;
            string relative = "/" + Path.GetRelativePath(mount, dir);
            roots.Add(controller.Length == 0 ? relative : $"{controller}:{relative}");
        }
        return roots;
    }

    private CgroupLayout Detect()
    {
        try
        {
            return _layout ??= CgroupLayout.DetectHost();
        }
        catch (CgroupException e)
        {
            throw new JaulaException(e.Message, e);
        }
    }

    /// <summary>Creates the cgroup and applies the resources; false when a rootless caller may not (then skipped).</summary>
    private bool Make(CgroupLayout layout)
    {
        Guard(() =>
        {
            var manager = CgroupManagers.ForContainer(layout, OwnCgroups.ReadSelf(), spec.Linux?.CgroupsPath, containerId, log.Warn,
                systemd);
            beforeMake?.Invoke(Planned(manager.ToRecord()));
            manager.Create();
            _manager = manager;
            ApplyResources(manager);
        });
        return _manager is not null;
    }

    /// <summary>The record as it will be once made: every missing ancestor of the container's directories counts as made.</summary>
    private static CgroupRecord Planned(CgroupRecord record)
    {
        var parents = new List<string>(record.CreatedParents);
        foreach (var (key, dir) in record.Paths)
        {
            if (!record.Roots.TryGetValue(key, out string? root))
                continue;
            string current = root.TrimEnd('/');
            if (!dir.StartsWith(current + "/", StringComparison.Ordinal))
                continue;
            foreach (string part in dir[(current.Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            {
                current = $"{current}/{part}";
                if (!Directory.Exists(current) && !parents.Contains(current))
                    parents.Add(current);
            }
        }
        return record with { CreatedParents = parents };
    }

    /// <summary>A cgroup failure is the create's error, except a rootless permission refusal: no cgroup, and a notice.</summary>
    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (CgroupException e) when (rootless && e.PermissionDenied)
        {
            Remove();
            _skipped = true;
            log.Warn($"rootless: no write access to the cgroup ({e.Message}), so the container gets no cgroup of its own"
                + (spec.Linux?.Resources is null ? "" : " and linux.resources is not applied")
                + "; delegate a cgroup v2 subtree to this user and set linux.cgroupsPath inside it");
        }
        catch (CgroupException e)
        {
            throw new JaulaException(e.Message, e);
        }
    }

    private void ApplyResources(ICgroupManager manager)
    {
        var resources = ResourcesFor(spec);
        if (!rootless)
        {
            manager.Apply(resources);
            return;
        }
        var devices = resources.Devices;
        resources.Devices = null;
        manager.Apply(resources);
        try
        {
            manager.Apply(new LinuxResources { Devices = devices });
        }
        catch (CgroupException e)
        {
            // Loading a cgroup device program needs CAP_SYS_ADMIN (or CAP_BPF); runc ignores this rootless too. In a user
            // namespace devices are bind mounts of the host's nodes, whose permissions still hold.
            log.Debug($"rootless: no device filter for container {containerId}: {e.Message}");
        }
    }

    /// <summary>SIGKILLs whatever is in the cgroup: a restore that fails after criu placed its tree there.</summary>
    public void KillAll()
    {
        try
        {
            _manager?.KillAll(Signals.SIGKILL);
        }
        catch (Exception e) when (e is CgroupException or ErrnoException or IOException)
        {
            log.Warn($"container {containerId}: {e.Message}");
        }
    }

    public void Remove()
    {
        try
        {
            _manager?.Destroy();
        }
        catch (CgroupException e)
        {
            log.Warn($"container {containerId}: {e.Message}");
        }
        _manager = null;
    }

    /// <summary>
    /// Refuses --systemd-cgroup before anything is made when this host cannot have it (not unified) or cgroupsPath is
    /// not of the driver's "slice:prefix:name" form.
    /// </summary>
    public static void CheckSystemd(Spec spec, string containerId)
    {
        try
        {
            CgroupManagers.ForSystemd(CgroupLayout.DetectHost(), spec.Linux?.CgroupsPath, containerId, _ => { });
        }
        catch (CgroupException e)
        {
            throw new JaulaException(e.Message, e);
        }
    }

    /// <summary>linux.resources with the device list runc would give the cgroup (config rules, linux.devices, defaults).</summary>
    public static LinuxResources ResourcesFor(Spec spec)
    {
        var r = spec.Linux?.Resources ?? new LinuxResources();
        return r.WithDevices(DeviceRules.ForContainer(spec));
    }

    /// <summary>The manager of an existing container, or an error saying it has no cgroup.</summary>
    public static ICgroupManager Of(ContainerRecord record, IRuntimeLog log) =>
        record.Cgroup is { } cgroup
            ? CgroupManagers.FromRecord(cgroup, log.Warn, record.Id)
            : throw new JaulaException("the container has no cgroup (it was created without one)");
}
