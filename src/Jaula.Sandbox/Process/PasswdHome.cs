namespace Jaula.Sandbox.Process;

/// <summary>HOME for a process whose env lacks it: the user's home in the container's /etc/passwd, else "/" (as runc).</summary>
public static class PasswdHome
{
    public static string Lookup(uint uid, string passwdPath = "/etc/passwd")
    {
        try
        {
            foreach (string line in File.ReadLines(passwdPath))
            {
                string[] f = line.Split(':');
                if (f.Length >= 7 && uint.TryParse(f[2], out uint id) && id == uid && f[5].Length > 0)
                    return f[5];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return "/";
    }
}
