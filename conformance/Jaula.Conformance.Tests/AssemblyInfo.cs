// Runc, jaula and the engines share one machine's cgroups and /run: the suites run one class at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
