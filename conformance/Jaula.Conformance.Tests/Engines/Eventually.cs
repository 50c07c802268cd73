namespace Jaula.Conformance.Tests.Engines;

/// <summary>Polls for what an engine does asynchronously (a detached exec's file, a task's status).</summary>
public static class Eventually
{
    public static void True(Func<bool> condition, string what, double seconds = 10)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"timed out after {seconds} s waiting until {what}");
            }
            Thread.Sleep(100);
        }
    }
}
