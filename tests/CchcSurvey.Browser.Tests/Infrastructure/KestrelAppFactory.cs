using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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

    private readonly int _port = FreePort();

    private readonly int _responses;

    /// <param name="responses">Demo responses seeded at start (0: none; the guide's screenshots use some).</param>
    public KestrelAppFactory(int responses = 0)
    {
        _responses = responses;
        BaseUrl = $"http://127.0.0.1:{_port}";
        Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
        UseKestrel(o => o.Listen(IPAddress.Loopback, _port));
        StartServer();
    }

    // The port must be known before start-up because it goes into Survey:PublicBaseUrl.
    private static int FreePort()
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
        };
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm" })
            try { File.Delete(file); } catch (IOException) { }
    }
}
