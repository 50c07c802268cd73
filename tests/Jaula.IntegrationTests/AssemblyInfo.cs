// Containers are heavy on a 2-core machine: at most two test classes run at once.
[assembly: Xunit.CollectionBehavior(MaxParallelThreads = 2)]

// A Linux container runtime is only ever tested on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
