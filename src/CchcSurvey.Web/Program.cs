using System.Globalization;
using System.Threading.RateLimiting;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Cli;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.RateLimiting;

var builder = WebApplication.CreateBuilder(args);

// The web root is the repository's top-level wwwroot/ (or the copy beside a published app).
var webRoot = RepositoryPaths.WebRoot(builder.Environment.ContentRootPath);
builder.Environment.WebRootPath = webRoot;
builder.Environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(webRoot);

// Options
builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection(DatabaseOptions.Section));
builder.Services.Configure<SurveyOptions>(builder.Configuration.GetSection(SurveyOptions.Section));
builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.Section));
builder.Services.Configure<RateLimitingOptions>(builder.Configuration.GetSection(RateLimitingOptions.Section));
builder.Services.Configure<DossierTokenOptions>(builder.Configuration.GetSection(DossierTokenOptions.Section));
builder.Services.Configure<IntegrityOptions>(builder.Configuration.GetSection(IntegrityOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<LocalClock>();

// Database: SQLite by default, PostgreSQL when Database:Provider=Postgres
builder.Services.AddSurveyDatabase(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddScoped<DatabaseInitializer>();

// Identity: officials sign in with e-mail and password; API clients with personal tokens
builder.Services
    .AddIdentity<Official, IdentityRole>(o =>
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 10;
        o.Password.RequireNonAlphanumeric = false;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
    })
    .AddEntityFrameworkStores<SurveyDbContext>()
    .AddDefaultTokenProviders();
builder.Services.AddOfficialAuthentication();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<OfficialScope>();

// Data Protection keys live in the database, so a restart does not break forms or sign-ins
builder.Services.AddDataProtection().SetApplicationName("CchcSurvey").PersistKeysToDbContext<SurveyDbContext>();

// Survey domain
builder.Services.AddSingleton<InstrumentRegistry>();
builder.Services.AddSingleton<QrCodes>();
builder.Services.AddScoped<SubmissionService>();
builder.Services.AddScoped<CchcSurvey.Web.Demo.DemoResponseGenerator>();
builder.Services.AddScoped<IndexQueries>();
builder.Services.AddScoped<StatisticsLedger>();
builder.Services.AddSingleton<ResponseWriter>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ResponseWriter>());

// Integrity: single-use dossier tokens, hashed device sightings (deleted after 72 h), suspicion flags
builder.Services.AddScoped<DossierTokenService>();
builder.Services.AddSingleton<DeviceKeys>();
builder.Services.AddSingleton<SightingCleanup>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SightingCleanup>());

// Administration: audit log (other areas call AuditLog.WriteAsync), unit tree operations
builder.Services.AddScoped<CchcSurvey.Web.Administration.AuditLog>();
builder.Services.AddScoped<CchcSurvey.Web.Administration.UnitAdministration>();

// Paper questionnaires: printing, scanning, review and keyboard entry
builder.Services.AddScoped<CchcSurvey.Web.Paper.PaperService>();

// Workspace: comments, alerts (and their e-mail), follow-up cases, publishing
builder.Services.AddWorkspace(builder.Configuration);


// Localization: Vietnamese first, English on request (?culture=en or the language switch)
builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
builder.Services.Configure<RequestLocalizationOptions>(o =>
{
    var cultures = new[] { new CultureInfo("vi"), new CultureInfo("en") };
    o.DefaultRequestCulture = new RequestCulture("vi");
    o.SupportedCultures = cultures;
    o.SupportedUICultures = cultures;
    o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
});

// Pages, API, problem details
builder.Services.AddRazorPages(o =>
{
    o.Conventions.AuthorizeFolder("/Dashboard");
    o.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
    o.Conventions.AuthorizeFolder("/Staff", Policies.Staff);
    o.Conventions.AuthorizeFolder("/Paper", Policies.Staff);
}).AddViewLocalization();
builder.Services.AddProblemDetails();

// Security: nonce-based CSP and other headers, HSTS for a year outside Development, strict cookies
builder.Services.AddSecurityHeaders();
builder.Services.AddHsts(o =>
{
    o.MaxAge = TimeSpan.FromDays(365);
    o.IncludeSubDomains = true;
});
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "cchc_af";
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Strict;
    // Secure whenever the request is HTTPS (production behind TLS); dev and tests run on plain http.
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
// Vietnamese text goes out as UTF-8, not as &#x…; entities (smaller pages, readable source).
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
    o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.Services.AddResponseCompression(o => o.EnableForHttps = true);
builder.Services.AddSubmissionRateLimiting(builder.Configuration);

// Health: the app and its database
builder.Services.AddHealthChecks().AddDbContextCheck<SurveyDbContext>("database");

var app = builder.Build();

// Start-up: migrate, load instruments, seed the demo organisation on a fresh database
await using (var scope = app.Services.CreateAsyncScope())
    await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitialiseAsync(CancellationToken.None);

// Command line: `dotnet run --project src/CchcSurvey.Web -- <command>` runs a command and exits
if (CommandLine.IsCommand(args))
    return await CommandLine.RunAsync(app.Services, args);

app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler();
    app.UseHsts();
}
app.UseResponseCompression();
app.UseStatusCodePages();
app.UseRequestLocalization();
app.UseStaticFiles();
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthChecks("/healthz");
app.MapSurveyApi();
app.MapIndexApi();
app.MapIntegrityApi();
CchcSurvey.Web.Paper.PaperApi.MapPaperApi(app);
CchcSurvey.Web.Exports.ExportApi.MapExportApi(app);
app.MapQrCodes();
app.MapRazorPages();

// Load benchmark only (bench/CchcSurvey.Load): a trivial POST that reads the body and answers 200, the
// machine's ceiling to compare submissions against. Off unless Bench:EchoEndpoint=true.
if (app.Configuration.GetValue<bool>("Bench:EchoEndpoint"))
    app.MapPost("/bench/echo", async (HttpContext http) =>
    {
        await http.Request.Body.CopyToAsync(Stream.Null);
        return Results.Ok();
    });

app.Run();
return 0;

public partial class Program;
