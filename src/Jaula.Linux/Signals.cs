using System.Globalization;

namespace Jaula.Linux;

/// <summary>Linux signal numbers on x86_64 and their names, as kill(1) and runc accept them.</summary>
public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;
    public const int SIGWINCH = 28;

    /// <summary>The kernel's first real-time signal. glibc keeps 32 and 33 for itself, so SIGRTMIN in C is 34.</summary>
    public const int SIGRTMIN = 34;

    public const int SIGRTMAX = 64;

    private static readonly string[] Standard =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
        "SIGSYS",
    ];

    /// <summary>Other names the C headers give the same numbers.</summary>
    private static readonly Dictionary<string, int> Aliases = new(StringComparer.Ordinal)
    {
        ["SIGIOT"] = 6, ["SIGCLD"] = 17, ["SIGPOLL"] = 29,
    };

    /// <summary>
    /// Parses "KILL", "SIGKILL", "kill", "9", "SIGRTMIN+3", "RTMAX-1" (any case). Numbers go up to 64; real-time
    /// offsets must stay within SIGRTMIN..SIGRTMAX.
    /// </summary>
    public static bool TryParse(string text, out int signal)
    {
        signal = 0;
        string name = text.Trim();
        if (name.Length == 0)
            return false;
        if (char.IsAsciiDigit(name[0]))
        {
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out signal) && IsValid(signal))
                return true;
            signal = 0;
            return false;
        }
        name = name.ToUpperInvariant();
        if (!name.StartsWith("SIG", StringComparison.Ordinal))
            name = "SIG" + name;
        else if (name.Length > 3 && char.IsAsciiDigit(name[3]))
            return TryParse(name[3..], out signal); // "SIG32", as Name() spells the unnamed ones
        int index = Array.IndexOf(Standard, name);
        if (index > 0)
            return Succeed(index, out signal);
        if (Aliases.TryGetValue(name, out int alias))
            return Succeed(alias, out signal);
        return TryParseRealTime(name, out signal);
    }

    private static bool TryParseRealTime(string name, out int signal)
    {
        signal = 0;
        if (name == "SIGRTMIN")
            return Succeed(SIGRTMIN, out signal);
        if (name == "SIGRTMAX")
            return Succeed(SIGRTMAX, out signal);
        if (name.Length <= 9 || !int.TryParse(name.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
            return false;
        int number = name[..9] switch
        {
            "SIGRTMIN+" => SIGRTMIN + offset,
            "SIGRTMAX-" => SIGRTMAX - offset,
            _ => 0,
        };
        return number is >= SIGRTMIN and <= SIGRTMAX && Succeed(number, out signal);
    }

    private static bool Succeed(int value, out int signal)
    {
        signal = value;
        return true;
    }

    /// <summary>1..64: every signal the kernel delivers (32 and 33 included, though glibc reserves them).</summary>
    public static bool IsValid(int signal) => signal is >= 1 and <= SIGRTMAX;

    /// <summary>
    /// "SIGKILL"; real-time signals as kill -l names them: SIGRTMIN, SIGRTMIN+1..+15, SIGRTMAX-14..-1, SIGRTMAX.
    /// Numbers outside the table come back as "SIG32" or "signal 99".
    /// </summary>
    public static string Name(int signal)
    {
        if (signal > 0 && signal < Standard.Length)
            return Standard[signal];
        if (signal is >= SIGRTMIN and <= SIGRTMAX)
        {
            int fromMin = signal - SIGRTMIN;
            int fromMax = SIGRTMAX - signal;
            return fromMin == 0 ? "SIGRTMIN"
                : fromMax == 0 ? "SIGRTMAX"
                : fromMin <= 15 ? $"SIGRTMIN+{fromMin}"
                : $"SIGRTMAX-{fromMax}";
        }
        return IsValid(signal) ? $"SIG{signal}" : $"signal {signal}";
    }
}
