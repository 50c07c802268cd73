// Some tests change process-wide state for a moment (umask, rlimits) or compare /proc snapshots: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
