using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>NUL-terminated UTF-8 strings and NULL-terminated arrays of them in native memory, freed together.</summary>
internal sealed unsafe class NativeStringArrays : IDisposable
{
    private readonly List<nint> _blocks = [];

    public byte* Add(string value)
    {
        var p = (byte*)Marshal.StringToCoTaskMemUTF8(value);
        _blocks.Add((nint)p);
        return p;
    }

    public byte** AddArray(IReadOnlyList<string> values)
    {
        var array = (byte**)Marshal.AllocCoTaskMem((values.Count + 1) * sizeof(byte*));
        _blocks.Add((nint)array);
        for (int i = 0; i < values.Count; i++)
            array[i] = Add(values[i]);
        array[values.Count] = null;
        return array;
    }

    public void Dispose()
    {
        foreach (nint block in _blocks)
            Marshal.FreeCoTaskMem(block);
        _blocks.Clear();
    }
}
