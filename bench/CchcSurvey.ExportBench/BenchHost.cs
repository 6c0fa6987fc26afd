using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.ExportBench;

/// <summary>
/// The real app hosted in-process (as bench/CchcSurvey.Bench's BenchApp, copied here because that project belongs
/// to the index benchmark) on a SQLite file: its own start-up migrates the database and publishes the instruments.
/// No demo data, no alert scans, logging at Warning.
/// </summary>
public sealed class BenchHost(string databaseFile) : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = new SqliteConnectionStringBuilder { DataSource = databaseFile, DefaultTimeout = 3600 }.ToString();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseContentRoot(WebProjectDirectory());
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Survey"] = ConnectionString,
            ["Demo:Enabled"] = "false",
            ["Alerts:Enabled"] = "false",
            ["RateLimiting:Enabled"] = "false",
            ["Survey:PublicBaseUrl"] = "https://khaosat.example.vn",
            // Production also requires the allowed host (TestServer's is localhost) and a key certificate.
            ["AllowedHosts"] = "localhost",
            ["DataProtection:Certificate"] = BenchCertificate(),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
        };
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>A self-signed certificate for the Data Protection keys, made once per machine under /tmp.</summary>
    private static string BenchCertificate()
    {
        var path = Path.Combine(Path.GetTempPath(), "cchc-bench-data-protection.pfx");
        if (File.Exists(path)) return path;
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=CchcSurvey bench",
            rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        File.WriteAllBytes(path, self.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx));
        return path;
    }

    /// <summary>Starts the app (migrations, instruments) and returns a scope for its services.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    /// <summary>A province root P and its communes P-0001 … P-{n}, each with one counter, through UnitImport.</summary>
    public async Task ImportUnitsAsync(int communes, CancellationToken ct)
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        if (await db.Units.AnyAsync(ct)) return;
        var csv = new System.Text.StringBuilder("code,parent,name\nP,,Tỉnh P\n");
        for (var i = 1; i <= communes; i++) csv.Append($"P-{i:0000},P,Xã {i:0000}\n");
        var rows = UnitImport.Read(new StringReader(csv.ToString()), out var errors);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        var instruments = await db.InstrumentVersions.Where(v => v.IsCurrent).Select(v => v.Code).ToListAsync(ct);
        var result = await UnitImport.ApplyAsync(db, rows, instruments, ct);
        if (result.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    /// <summary>src/CchcSurvey.Web, found by walking up from the binaries to the repository root.</summary>
    private static string WebProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CchcSurvey.sln")))
                return Path.Combine(dir.FullName, "src", "CchcSurvey.Web");
        throw new InvalidOperationException("Run the benchmark from within the repository (CchcSurvey.sln not found above the binaries).");
    }
}
