using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CchcSurvey.Web.Tests.Infrastructure;

/// <summary>
/// The real app over HTTP, on its own fresh SQLite file (one per test class through IClassFixture),
/// seeded with the demo organisation and a known administrator, without demo responses.
/// </summary>
public class SurveyAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Test-Admin-Password-1";

    public string DatabaseFile { get; }

    public string EvidenceFolder => Path.Combine(Path.GetTempPath(), "cchc-tests", Path.GetFileNameWithoutExtension(DatabaseFile) + "-evidence");

    private readonly bool _ownsDatabase;

    public SurveyAppFactory() : this(Path.Combine(Path.GetTempPath(), "cchc-tests", $"{Guid.NewGuid():N}.db"), ownsDatabase: true) { }

    protected SurveyAppFactory(string databaseFile, bool ownsDatabase)
    {
        DatabaseFile = databaseFile;
        _ownsDatabase = ownsDatabase;
    }

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Survey"] = $"Data Source={DatabaseFile}",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        var settings = new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            ["Demo:Responses"] = "0",
            ["Demo:AdminEmail"] = AdminEmail,
            ["Demo:AdminPassword"] = AdminPassword,
            ["RateLimiting:Enabled"] = "false",
            ["Survey:PublicBaseUrl"] = "https://khaosat.example.vn",
            // Two-factor sign-in is tested on its own (Pages/Account/TwoFactorTests); elsewhere the test
            // administrator signs in with a password only.
            ["Security:RequireTwoFactor"] = "",
            // Evidence files of plan progress reports go beside the test database, never into the repository.
            ["Plans:EvidencePath"] = EvidenceFolder,
            // Uploaded recordings go to a folder of the test run, not to the repository's data/.
            ["Recordings:Path"] = Path.Combine(Path.GetTempPath(), "cchc-tests", "recordings"),
            // Uploaded scans waiting for the background reader go beside the test database (a restart finds them).
            ["Paper:BatchPath"] = Path.Combine(Path.GetTempPath(), "cchc-tests", Path.GetFileNameWithoutExtension(DatabaseFile) + "-paper"),
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        foreach (var (key, value) in ExtraSettings) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>The host environment: "Testing" (plain http, no production checks) unless a test class says otherwise.</summary>
    public string EnvironmentName { get; set; } = "Testing";

    /// <summary>Settings a test class adds or overrides.</summary>
    public Dictionary<string, string?> ExtraSettings { get; } = new();

    /// <summary>A scope on the app's services, for looking into the database.</summary>
    public T WithDatabase<T>(Func<SurveyDbContext, T> read)
    {
        using var scope = Services.CreateScope();
        return read(scope.ServiceProvider.GetRequiredService<SurveyDbContext>());
    }

    public HttpClient CreateBrowserClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || !_ownsDatabase) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm" })
            try { File.Delete(file); } catch (IOException) { }
        try { if (Directory.Exists(EvidenceFolder)) Directory.Delete(EvidenceFolder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A second app on an existing database file, standing in for a restart; it leaves the file in place.</summary>
public sealed class RestartedAppFactory(string databaseFile) : SurveyAppFactory(databaseFile, ownsDatabase: false);

/// <summary>
/// The same app on a real PostgreSQL server: a fresh database per factory, created from the server in
/// <c>CCHC_TEST_POSTGRES</c> and dropped afterwards. Tests using it skip when the variable is unset.
/// </summary>
public sealed class PostgresAppFactory : SurveyAppFactory
{
    public static string? ServerConnectionString => Environment.GetEnvironmentVariable("CCHC_TEST_POSTGRES");

    private readonly string _database = $"cchc_test_{Guid.NewGuid():N}";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Survey"] = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ToString(),
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing || ServerConnectionString is null) return;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(ServerConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }
}
