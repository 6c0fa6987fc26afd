using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CchcSurvey.Fault.Tests;

/// <summary>
/// The real app as a separate operating-system process (<c>dotnet CchcSurvey.Web.dll</c>) on 127.0.0.1,
/// so that it can be killed with SIGKILL like a crash, and started again on the same database.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly string[] _settings;
    private readonly Queue<string> _log = new();
    private Process? _process;

    public AppProcess(IEnumerable<string> settings)
    {
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        _settings = settings.ToArray();
    }

    public int Port { get; }
    public Uri BaseAddress { get; }
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>The last lines the app wrote, for failure messages.</summary>
    public string RecentLog
    {
        get { lock (_log) return string.Join('\n', _log); }
    }

    public async Task StartAsync(TimeSpan timeout)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("Already running.");
        var dll = AppBuild.WebDll();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[dll, "--urls", BaseAddress.ToString().TrimEnd('/'), "--environment", "Production", .. _settings])
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} during start-up:\n{RecentLog}");
            try
            {
                using var health = await http.GetAsync("/healthz");
                if (health.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The app did not answer /healthz within {timeout}:\n{RecentLog}");
    }

    /// <summary>SIGKILL (Process.Kill on Linux): no shutdown code runs, as in a crash or power cut of the process.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try { _process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { }
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > 60) _log.Dequeue();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Finds the app's build output beside the repository's sources, building it once when missing.</summary>
public static class AppBuild
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private static readonly Lazy<string> Dll = new(Locate);

    public static string WebDll() => Dll.Value;

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CchcSurvey.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No CchcSurvey.sln above {AppContext.BaseDirectory}.");
    }

    private static string Locate()
    {
        var project = Path.Combine(RepositoryRoot(), "src", "CchcSurvey.Web");
        var dll = Path.Combine(project, "bin", Configuration, "net10.0", "CchcSurvey.Web.dll");
        if (File.Exists(dll)) return dll;
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", Configuration, "--nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var output = build.StandardOutput.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0 || !File.Exists(dll))
            throw new InvalidOperationException($"Building {project} failed:\n{output}");
        return dll;
    }
}
