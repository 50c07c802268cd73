using FluentAssertions;
using Jaula.Runtime.Lifecycle;
using Xunit;

namespace Jaula.UnitTests.Runtime;

public sealed class SealedExecutableTests
{
    [Theory]
    [InlineData("/usr/bin", "/usr/bin")]
    [InlineData("/a:b/c", @"/a\:b/c")]
    [InlineData(@"/a\b:", @"/a\\b\:")]
    public void Overlay_layer_paths_escape_colons_and_backslashes(string path, string escaped) =>
        SealedExecutable.EscapeLayer(path).Should().Be(escaped);
}
