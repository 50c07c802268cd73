using Jaula.Cli;
using Jaula.Runtime.Init;

// `jaula init <sync-fd>` is the container's init, exec'd by the C stage; it must not pay for building the parser.
if (args is ["init", var fd] && Environment.GetEnvironmentVariable("JAULA_INIT") == "1" && int.TryParse(fd, out int syncFd))
    return InitProgram.Run(syncFd);

string[] normalized = ExecArgv.Normalize(args);
return JaulaCommandLine.Build(normalized).Parse(normalized).Invoke();
