namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// A per-test-class temp folder: <c>Root</c> is passed as --root; <c>Sandbox</c> (its parent) holds nothing else,
/// so a test can prove that a hostile id created nothing outside the root.
/// </summary>
public sealed class StateRoot : IDisposable
{
    public StateRoot()
    {
        Sandbox = Directory.CreateTempSubdirectory("jaula-it-").FullName;
        Root = Path.Combine(Sandbox, "root");
        Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Sandbox { get; }

    public string Root { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Sandbox, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leak check has already failed the test that left something here.
        }
    }
}
