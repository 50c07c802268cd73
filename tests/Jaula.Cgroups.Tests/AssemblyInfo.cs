// The tests work in their own temp dirs only; they never touch the host's cgroups.
[assembly: CollectionBehavior(DisableTestParallelization = false)]
