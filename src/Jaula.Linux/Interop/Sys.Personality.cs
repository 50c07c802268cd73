using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>personality(2): the execution domain of the calling thread, kept across execve.</summary>
public static partial class Sys
{
    [LibraryImport("libc", EntryPoint = "personality", SetLastError = true)]
    private static partial int PersonalityNative(nuint persona);

    public static void SetPersonality(uint persona) => ThrowIfFailed(PersonalityNative(persona), "personality");
}
