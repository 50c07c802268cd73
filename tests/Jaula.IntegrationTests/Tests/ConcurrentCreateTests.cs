using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>Creates racing each other: the state dir's mkdir is the reservation, so ids never collide.</summary>
public sealed class ConcurrentCreateTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const int Racers = 4;

    [Fact]
    public void Parallel_creates_of_one_id_let_exactly_one_win()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "60");

        CommandResult[] results = CreateInParallel(Enumerable.Repeat(id, Racers), bundle);

        results.Where(r => r.Succeeded).Should().ContainSingle("exactly one create may win: {0}", string.Join<CommandResult>("\n", results));
        foreach (CommandResult loser in results.Where(r => !r.Succeeded))
        {
            loser.ShouldFailWith($"container with id exists: {id}");
        }
        Jaula.State(id).Status.Should().Be("created");
    }

    [Fact]
    public void Parallel_creates_of_different_ids_all_succeed_and_are_all_deleted()
    {
        string[] ids = Enumerable.Range(0, Racers).Select(_ => NewId()).ToArray();
        Bundle bundle = NewBundle("sleep", "60");

        CommandResult[] results = CreateInParallel(ids, bundle);

        results.Should().OnlyContain(r => r.Succeeded, "every create should succeed: {0}", string.Join<CommandResult>("\n", results));
        ids.Select(id => Jaula.State(id)).Should().OnlyContain(s => s.Status == "created");
        foreach (string id in ids)
        {
            Jaula.Delete(id).ShouldSucceed();
        }
        Directory.GetFileSystemEntries(Jaula.Root).Select(Path.GetFileName).Should().NotIntersectWith(ids);
    }

    /// <summary>Starts every create before waiting for any (one shared bundle: created containers only read it).</summary>
    private CommandResult[] CreateInParallel(IEnumerable<string> ids, Bundle bundle)
    {
        RunningCommand[] creates = ids.Select(id => Jaula.Launch("create", "--bundle", bundle.Dir, id)).ToArray();
        return creates.Select(c => c.Wait()).ToArray();
    }
}
