using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Bench;

/// <summary>
/// The real app, hosted in-process on a TestServer (as the web tests do), on the benchmark's database:
/// no demo data, no rate limiting, logging at Warning so that the console does not time itself.
/// </summary>
public sealed class BenchApp(string provider, string connectionString) : WebApplicationFactory<Program>
{
    public bool IsPostgres => provider == "postgres";

    public string ConnectionString => connectionString;

    /// <summary>When set, every context of the app counts its SQL statements here (the page benchmark).</summary>
    public StatementCounter? Statements { get; init; }

    /// <summary>When set, <c>ConnectionStrings:SurveyReadOnly</c>: lagging reads go to that standby.</summary>
    public string? ReadOnlyConnectionString { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseContentRoot(WebProjectDirectory());
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = IsPostgres ? "Postgres" : "Sqlite",
            ["ConnectionStrings:Survey"] = connectionString,
            ["Demo:Enabled"] = "false",
            ["RateLimiting:Enabled"] = "false",
            ["Survey:PublicBaseUrl"] = "https://khaosat.example.vn",
            // Production also requires the allowed host (TestServer's is localhost) and a key certificate.
            ["AllowedHosts"] = "localhost",
            ["DataProtection:Certificate"] = BenchCertificate(),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            // The reorganisation job logs how long it read and how long it held the write transaction.
            ["Logging:LogLevel:CchcSurvey.Web.Organisation"] = "Information",
        };
        if (ReadOnlyConnectionString is not null) settings["ConnectionStrings:SurveyReadOnly"] = ReadOnlyConnectionString;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (Statements is { } counter)
            builder.ConfigureServices(services =>
            {
                // Appended to the app's own interceptors (EF Core composes every configuration of a context's options).
                services.ConfigureDbContext<SqliteSurveyDbContext>(o => o.AddInterceptors(counter));
                services.ConfigureDbContext<PostgresSurveyDbContext>(o => o.AddInterceptors(counter));
                services.ConfigureDbContext<ReadOnlySqliteSurveyDbContext>(o => o.AddInterceptors(counter));
                services.ConfigureDbContext<ReadOnlyPostgresSurveyDbContext>(o => o.AddInterceptors(counter));
            });
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

    /// <summary>Creates an administrator and returns a personal API token for it.</summary>
    public async Task<string> AdminTokenAsync(CancellationToken ct)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Official>>();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        const string email = "bench-admin@bench.local";
        var admin = await users.FindByEmailAsync(email);
        if (admin is null)
        {
            admin = new Official { UserName = email, Email = email, EmailConfirmed = true };
            var created = await users.CreateAsync(admin, "Bench-Admin-Password-1");
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(admin, Roles.Admin);
        }
        return await ApiTokenService.IssueAsync(db, admin, "bench", DateTime.UtcNow, ct);
    }

    /// <summary>The province root P and its communes P-0001 … P-{n}, each with one counter, through UnitImport.</summary>
    public async Task ImportUnitsAsync(int communes, CancellationToken ct)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        if (await db.Units.AnyAsync(ct)) return;
        var csv = new System.Text.StringBuilder("code,parent,name\nP,,Tỉnh P\n");
        for (var i = 1; i <= communes; i++) csv.Append($"{CommuneCode(i)},P,Xã {i:0000}\n");
        var rows = UnitImport.Read(new StringReader(csv.ToString()), out var errors);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        var registry = scope.ServiceProvider.GetRequiredService<InstrumentRegistry>();
        var instruments = (await registry.CurrentAsync(db, ct)).Select(i => i.Code).ToList();
        var result = await UnitImport.ApplyAsync(db, rows, instruments, ct);
        if (result.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    /// <summary>
    /// The benchmark datasets' tree: a root <c>VN</c>, <paramref name="provinces"/> provinces <c>T01</c> … and
    /// <paramref name="communes"/> communes spread evenly over them (<c>T01-001</c> …), a counter each, through UnitImport.
    /// </summary>
    public async Task ImportProvinceTreeAsync(int provinces, int communes, CancellationToken ct)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        if (await db.Units.AnyAsync(ct)) return;
        var csv = new System.Text.StringBuilder("code,parent,name\nVN,,Toàn quốc\n");
        for (var p = 1; p <= provinces; p++) csv.Append($"{ProvinceCode(p)},VN,Tỉnh {p:00}\n");
        for (var i = 0; i < communes; i++)
        {
            // Round-robin: provinces differ by at most one commune (3,321 over 34: 23 with 98, 11 with 97).
            var (province, number) = (i % provinces + 1, i / provinces + 1);
            csv.Append($"{ProvinceCommuneCode(province, number)},{ProvinceCode(province)},Xã {province:00}.{number:000}\n");
        }
        var rows = UnitImport.Read(new StringReader(csv.ToString()), out var errors);
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
        var registry = scope.ServiceProvider.GetRequiredService<InstrumentRegistry>();
        var instruments = (await registry.CurrentAsync(db, ct)).Select(i => i.Code).ToList();
        var result = await UnitImport.ApplyAsync(db, rows, instruments, ct);
        if (result.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    public static string ProvinceCode(int p) => $"T{p:00}";

    public static string ProvinceCommuneCode(int province, int number) => $"T{province:00}-{number:000}";

    /// <summary>src/CchcSurvey.Web, found by walking up from the binaries to the repository root.</summary>
    private static string WebProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CchcSurvey.sln")))
                return Path.Combine(dir.FullName, "src", "CchcSurvey.Web");
        throw new InvalidOperationException("Run the benchmark from within the repository (CchcSurvey.sln not found above the binaries).");
    }

    public static string CommuneCode(int i) => $"P-{i:0000}";
}
