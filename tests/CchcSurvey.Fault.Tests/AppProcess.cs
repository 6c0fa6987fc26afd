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
        _settings = [.. ProductionSettings(), .. settings];
    }

    /// <summary>
    /// What the app requires to start in Production: an https public address, the allowed host (here the loopback
    /// address the test calls) and a certificate for the Data Protection keys (self-signed, made for the test).
    /// </summary>
    private static string[] ProductionSettings()
    {
        var certificate = Path.Combine(Path.GetTempPath(), "cchc-fault", "data-protection.pfx");
        if (!File.Exists(certificate))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(certificate)!);
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=CchcSurvey fault test",
                rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
            var temporary = certificate + "." + Environment.ProcessId;
            File.WriteAllBytes(temporary, self.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx));
            File.Move(temporary, certificate, overwrite: true);
        }
        return ["--Survey:PublicBaseUrl", "https://khaosat.example.vn", "--AllowedHosts", "127.0.0.1;localhost", "--DataProtection:Certificate", certificate];
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
