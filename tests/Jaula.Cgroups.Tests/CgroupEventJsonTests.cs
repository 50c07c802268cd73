using System.Text.Json;
using Jaula.Cgroups.Stats;

namespace Jaula.Cgroups.Tests;

public class CgroupEventJsonTests
{
    [Fact]
    public void Stats_events_use_runcs_field_names()
    {
        var stats = new CgroupStats();
        stats.Cpu.Usage.Total = 5;
        stats.Cpu.Usage.Percpu = [2, 3];
        stats.Cpu.Throttling.ThrottledPeriods = 1;
        stats.Memory.Usage.Limit = 16;
        stats.Memory.KernelTcp.Limit = 1;
        stats.Memory.Raw = new() { ["rss"] = 7 };
        stats.Pids.Current = 2;
        stats.Blkio.IoServiceBytesRecursive = [new BlkioEntry { Major = 8, Op = "Read", Value = 9 }];
        stats.Hugetlb["2MB"] = new HugetlbStats { Usage = 4 };
        string json = JsonSerializer.Serialize(new CgroupEvent { Type = "stats", Id = "c1", Data = stats }, CgroupJson.Default.CgroupEvent);

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("type").GetString().Should().Be("stats");
        root.GetProperty("id").GetString().Should().Be("c1");
        var data = root.GetProperty("data");
        data.GetProperty("cpu").GetProperty("usage").GetProperty("percpu").GetArrayLength().Should().Be(2);
        data.GetProperty("cpu").GetProperty("throttling").GetProperty("throttledPeriods").GetUInt64().Should().Be(1);
        data.GetProperty("cpu").GetProperty("throttling").TryGetProperty("periods", out _).Should().BeFalse("runc omits zero counters");
        data.GetProperty("memory").GetProperty("kernelTCP").GetProperty("limit").GetUInt64().Should().Be(1);
        data.GetProperty("memory").GetProperty("raw").GetProperty("rss").GetUInt64().Should().Be(7);
        data.GetProperty("pids").GetProperty("current").GetUInt64().Should().Be(2);
        data.GetProperty("blkio").GetProperty("ioServiceBytesRecursive")[0].GetProperty("op").GetString().Should().Be("Read");
        data.GetProperty("hugetlb").GetProperty("2MB").GetProperty("failcnt").GetUInt64().Should().Be(0);
    }

    [Fact]
    public void Oom_events_have_no_data() =>
        JsonSerializer.Serialize(new CgroupEvent { Type = "oom", Id = "c1" }, CgroupJson.Default.CgroupEvent)
            .Should().Be("{\"type\":\"oom\",\"id\":\"c1\"}");

    [Fact]
    public void The_state_record_round_trips()
    {
        var record = new CgroupRecord
        {
            Version = 1,
            Paths = new() { ["memory"] = "/sys/fs/cgroup/memory/x", [""] = "/sys/fs/cgroup/unified/x" },
            Roots = new() { ["memory"] = "/sys/fs/cgroup/memory", [""] = "/sys/fs/cgroup/unified" },
            CreatedParents = ["/sys/fs/cgroup/memory/p"],
        };
        var back = JsonSerializer.Deserialize(JsonSerializer.Serialize(record, CgroupJson.Default.CgroupRecord), CgroupJson.Default.CgroupRecord)!;
        back.Should().BeEquivalentTo(record);
    }
}
