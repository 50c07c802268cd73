using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>cgroup settings (config-linux.md "Control groups").</summary>
public sealed class LinuxResources
{
    /// <summary>The device allow/deny list, applied in order.</summary>
    [JsonPropertyName("devices")]
    public List<DeviceCgroupRule>? Devices { get; set; }

    [JsonPropertyName("memory")]
    public MemoryResources? Memory { get; set; }

    [JsonPropertyName("cpu")]
    public CpuResources? Cpu { get; set; }

    [JsonPropertyName("pids")]
    public PidsResources? Pids { get; set; }

    [JsonPropertyName("blockIO")]
    public BlockIoResources? BlockIo { get; set; }

    [JsonPropertyName("hugepageLimits")]
    public List<HugepageLimit>? HugepageLimits { get; set; }

    [JsonPropertyName("network")]
    public NetworkResources? Network { get; set; }

    /// <summary>RDMA device name to its limits.</summary>
    [JsonPropertyName("rdma")]
    public Dictionary<string, RdmaLimit>? Rdma { get; set; }

    /// <summary>cgroup v2 file name (e.g. "memory.high") to the value written into it.</summary>
    [JsonPropertyName("unified")]
    public Dictionary<string, string>? Unified { get; set; }

    /// <summary>A shallow copy with other device rules (the rest shared): create's deny-all base, update's none.</summary>
    public LinuxResources WithDevices(List<DeviceCgroupRule>? devices) => new()
    {
        Devices = devices,
        Memory = Memory,
        Cpu = Cpu,
        Pids = Pids,
        BlockIo = BlockIo,
        HugepageLimits = HugepageLimits,
        Network = Network,
        Rdma = Rdma,
        Unified = Unified,
    };
}
