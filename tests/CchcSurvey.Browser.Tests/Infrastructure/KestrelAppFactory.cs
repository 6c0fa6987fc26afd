using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Browser.Tests.Infrastructure;

/// <summary>
/// The real app on a real Kestrel socket on 127.0.0.1 (a browser cannot talk to the in-memory TestServer),
/// on its own fresh SQLite file, with the settings of the Web tests' <c>SurveyAppFactory</c>: the demo
/// organisation, a known administrator, no demo responses, no rate limits. The public base URL is the
/// Kestrel address itself, so the counters' QR codes lead back to this app.
/// </summary>
public sealed class KestrelAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Test-Admin-Password-1";

    public string DatabaseFile { get; } = Path.Combine(Path.GetTempPath(), "cchc-tests", $"{Guid.NewGuid():N}.db");

    /// <summary>http://127.0.0.1:port, without a trailing slash.</summary>
    public string BaseUrl { get; }

    private readonly int _port;
    private readonly bool _ownsDatabase;
    private readonly IReadOnlyDictionary<string, string?> _extra;

    private readonly int _responses;

    /// <param name="responses">Demo responses seeded at start (0: none; the guide's screenshots use some).</param>
    public KestrelAppFactory(int responses = 0) : this(FreePort(), null, new Dictionary<string, string?>(), responses) { }

    /// <summary>
    /// An app on a given port and database file (a restart of another one: the file is then left in place), with
    /// extra settings.
    /// </summary>
    public KestrelAppFactory(int port, string? databaseFile, IReadOnlyDictionary<string, string?> extraSettings, int responses = 0)
    {
        _port = port;
        _ownsDatabase = databaseFile is null;
        if (databaseFile is not null) DatabaseFile = databaseFile;
        _extra = extraSettings;
        _responses = responses;
        BaseUrl = $"http://127.0.0.1:{_port}";
        Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
        UseKestrel(o => o.Listen(IPAddress.Loopback, _port));
        StartServer();
    }

    public int Port => _port;

    /// <summary>Test switch: while true, every POST /api/v1/responses answers 500 (a failing server), and is counted.</summary>
    public volatile bool FailSubmissions;

    /// <summary>POST /api/v1/responses requests that reached the server (answered or failed).</summary>
    public int SubmissionAttempts => _attempts;
    private int _attempts;

    // The port must be known before start-up because it goes into Survey:PublicBaseUrl.
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Survey"] = $"Data Source={DatabaseFile}",
            ["Demo:Enabled"] = "true",
            ["Demo:Responses"] = _responses.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Plans:EvidencePath"] = DatabaseFile + "-evidence",
            ["Demo:AdminEmail"] = AdminEmail,
            ["Demo:AdminPassword"] = AdminPassword,
            ["RateLimiting:Enabled"] = "false",
            ["Survey:PublicBaseUrl"] = BaseUrl,
            ["Security:RequireTwoFactor"] = "",
            // Uploaded recordings go to a folder of the test run, not to the repository's data/.
            ["Recordings:Path"] = Path.Combine(Path.GetTempPath(), "cchc-tests", "recordings"),
        };
        foreach (var (key, value) in _extra) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new SubmissionSwitch(this)));
    }

    private sealed class SubmissionSwitch(KestrelAppFactory app) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => builder =>
        {
            builder.Use(async (http, following) =>
            {
                if (http.Request.Method == "POST" && http.Request.Path == "/api/v1/responses")
                {
                    Interlocked.Increment(ref app._attempts);
                    if (app.FailSubmissions)
                    {
                        http.Response.StatusCode = 500;
                        return;
                    }
                }
                await following(http);
            });
            next(builder);
        };
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || !_ownsDatabase) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm" })
            try { File.Delete(file); } catch (IOException) { }
    }
}
