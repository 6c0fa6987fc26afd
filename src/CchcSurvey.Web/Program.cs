using System.Globalization;
using System.Threading.RateLimiting;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Cli;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Operations;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Webhooks;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.RateLimiting;
using Prometheus;

// Command line: help and unknown commands are answered before anything starts (a typo never starts the site)
if (CommandLine.AnswerBeforeStart(args) is int answered)
    return answered;

var builder = WebApplication.CreateBuilder(args);

// The web root is the repository's top-level wwwroot/ (or the copy beside a published app).
var webRoot = RepositoryPaths.WebRoot(builder.Environment.ContentRootPath);
builder.Environment.WebRootPath = webRoot;
builder.Environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(webRoot);

// Production states where its data lives (docs/deployment.md), or does not start
if (builder.Environment.IsProduction()) ProductionSettings.Check(builder.Configuration);

// Options
builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection(DatabaseOptions.Section));
builder.Services.Configure<SurveyOptions>(builder.Configuration.GetSection(SurveyOptions.Section));
builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection(DemoOptions.Section));
builder.Services.Configure<RateLimitingOptions>(builder.Configuration.GetSection(RateLimitingOptions.Section));
builder.Services.Configure<DossierTokenOptions>(builder.Configuration.GetSection(DossierTokenOptions.Section));
builder.Services.Configure<IntegrityOptions>(builder.Configuration.GetSection(IntegrityOptions.Section));
builder.Services.Configure<SecurityOptions>(builder.Configuration.GetSection(SecurityOptions.Section));
var security = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

// Production behind a TLS-terminating proxy: public URL, allowed hosts and the key certificate must be given
Deployment.RequireProductionSettings(builder.Configuration, builder.Environment);
var secureCookies = !Deployment.IsLocal(builder.Environment);
var metrics = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
builder.Services.Configure<KioskOptions>(builder.Configuration.GetSection(KioskOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<LocalClock>();
builder.Services.AddSingleton<DisplayTime>();

// Database: SQLite by default, PostgreSQL when Database:Provider=Postgres
builder.Services.AddSurveyDatabase(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddScoped<DatabaseInitializer>();

// Identity: officials sign in with e-mail, password (ASVS 5.0 rules) and, for the roles of
// Security:RequireTwoFactor, an authenticator app; API clients with personal tokens (/api/v1 only)
builder.Services
    .AddIdentity<Official, IdentityRole>(o =>
    {
        o.User.RequireUniqueEmail = true;
        PasswordRules.Configure(o.Password);
        o.Tokens.AuthenticatorTokenProvider = SingleUseAuthenticatorTokenProvider.ProviderName;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
    })
    .AddEntityFrameworkStores<SurveyDbContext>()
    .AddDefaultTokenProviders()
    .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(SingleUseAuthenticatorTokenProvider.ProviderName)
    .AddPasswordValidator<CommonPasswordValidator>();
builder.Services.AddOfficialAuthentication(secureCookies, security.SessionValidationInterval);
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<OfficialScope>();

// Data Protection keys live in the database, so a restart does not break forms or sign-ins, encrypted
// with DataProtection:Certificate (required in Production)
builder.Services.AddSurveyDataProtection(builder.Configuration);

// Survey domain
builder.Services.AddSingleton<InstrumentRegistry>();
builder.Services.AddSingleton<QrCodes>();
builder.Services.AddScoped<SubmissionService>();
builder.Services.AddScoped<SurveyResolver>();
builder.Services.AddScoped<CchcSurvey.Web.Pages.Survey.SurveyFormServices>();
builder.Services.AddScoped<KioskCredentials>();
builder.Services.AddSingleton<InstrumentLanguages>();
builder.Services.AddScoped<CchcSurvey.Web.Demo.DemoResponseGenerator>();
// Figures may lag the primary by the standby's replay delay (ConnectionStrings:SurveyReadOnly, see LaggingReads).
builder.Services.AddScoped(sp => ActivatorUtilities.CreateInstance<IndexQueries>(sp, sp.GetRequiredService<LaggingReads>().Context));
// The one figures service: dashboard, report, publishing and the indices/ranking API (Indices/FiguresService.cs).
builder.Services.AddScoped<FiguresService>();
// Figures kept between requests while their cells are unchanged (Indices/FigureCache.cs; Figures:CacheEntries).
builder.Services.AddSingleton<FigureCache>();
builder.Services.AddScoped<StatisticsLedger>();
builder.Services.AddSingleton<CellWriteGate>();
builder.Services.AddSingleton<ResponseWriter>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ResponseWriter>());

// Integrity: single-use dossier tokens, hashed device sightings (deleted after 72 h), suspicion flags
builder.Services.AddScoped<DossierTokenService>();
builder.Services.AddSingleton<DeviceKeys>();
builder.Services.AddSingleton<CchcSurvey.Web.Security.OpaqueIds>();
builder.Services.AddSingleton<SightingCleanup>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<SightingCleanup>());

// Administration: audit log (other areas call AuditLog.WriteAsync), unit tree operations
builder.Services.AddScoped<CchcSurvey.Web.Administration.AuditLog>();
builder.Services.AddScoped<CchcSurvey.Web.Administration.UnitAdministration>();
builder.Services.AddScoped<CchcSurvey.Web.Administration.InstrumentPublisher>();
// Reorganising units with a crosswalk: a background job, one at a time (Organisation/).
builder.Services.AddScoped<CchcSurvey.Web.Organisation.Reorganisation>();
builder.Services.AddSingleton<CchcSurvey.Web.Organisation.ReorganisationProgress>();
builder.Services.AddSingleton<CchcSurvey.Web.Organisation.ReorganisationWorker>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<CchcSurvey.Web.Organisation.ReorganisationWorker>());

// Paper questionnaires: printing, scanning, review and keyboard entry
builder.Services.AddScoped<CchcSurvey.Web.Paper.PaperService>();
// Large uploads are read in the background, resumable after a restart, one instance at a time (a lease).
builder.Services.Configure<CchcSurvey.Web.Paper.PaperOptions>(builder.Configuration.GetSection(CchcSurvey.Web.Paper.PaperOptions.Section));
builder.Services.AddScoped<CchcSurvey.Web.Paper.PaperBatchStore>();
builder.Services.AddSingleton<CchcSurvey.Web.Paper.PaperBatchWorker>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<CchcSurvey.Web.Paper.PaperBatchWorker>());

// Workspace: comments, alerts (and their e-mail), follow-up cases, publishing
builder.Services.AddWorkspace(builder.Configuration);

// Webhooks: signed deliveries of events to registered receivers, from a persisted outbox, retried for a day
builder.Services.AddWebhooks(builder.Configuration);
// Improvement plans: criteria, tasks, progress and evidence, deadline reminders
builder.Services.Configure<CchcSurvey.Web.Plans.PlanOptions>(builder.Configuration.GetSection(CchcSurvey.Web.Plans.PlanOptions.Section));
builder.Services.AddScoped<CchcSurvey.Web.Plans.PlanService>();
builder.Services.AddSingleton<CchcSurvey.Web.Plans.EvidenceStore>();
builder.Services.AddScoped<CchcSurvey.Web.Plans.PlanReminders>();


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
    o.Conventions.AuthorizeFolder("/Plans");
    o.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
    o.Conventions.AuthorizeFolder("/Staff", Policies.Staff);
    o.Conventions.AuthorizeFolder("/Kiosks", Policies.Staff);
    o.Conventions.AuthorizeFolder("/Paper", Policies.Staff);
}).AddViewLocalization();
builder.Services.AddProblemDetails();
// The API's own description: /openapi/v1.json (OpenAPI 3.1), browsed on /docs/api
builder.Services.AddApiDocumentation();

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
    // Always Secure outside Development and the test host, which run on plain http.
    o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
});
// Vietnamese text goes out as UTF-8, not as &#x…; entities (smaller pages, readable source).
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
    o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
// Not over HTTPS: compressed pages that carry a secret (antiforgery token, a new API token, recovery codes)
// next to text an attacker can inject would leak it byte by byte (BREACH).
builder.Services.AddResponseCompression(o => o.EnableForHttps = false);
builder.Services.AddSubmissionRateLimiting(builder.Configuration);

// Health: /healthz the app and its database (liveness), /healthz/ready also writable, migrated, writer running
builder.Services.AddHealthChecks().AddDbContextCheck<SurveyDbContext>("database").AddReadinessChecks();

var app = builder.Build();

// Start-up: migrate, load instruments, seed the demo organisation on a fresh database
await using (var scope = app.Services.CreateAsyncScope())
    await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitialiseAsync(CancellationToken.None);

// Command line: `dotnet run --project src/CchcSurvey.Web -- <command>` runs a command and exits
if (CommandLine.IsCommand(args))
    return await CommandLine.RunAsync(app.Services, args);

// Behind the reverse proxy: the original scheme (X-Forwarded-Proto) from ForwardedHeaders:KnownProxies/KnownNetworks
// only; never the client's address
if (Deployment.ForwardedHeaders(app.Configuration) is { } forwarded)
    app.UseForwardedHeaders(forwarded);
// Every cookie the app sets (session, antiforgery, device, language) is Secure outside Development and the test host
if (secureCookies)
    app.UseCookiePolicy(new CookiePolicyOptions { Secure = CookieSecurePolicy.Always });
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
// Operations: /metrics only from Metrics:AllowedNetworks; request durations per route; refused submissions counted
app.UseSurveyMetrics(metrics);
if (metrics.Enabled) app.UseHttpMetrics();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseTwoFactorRequirement();

app.MapHealthChecks("/healthz", new() { Predicate = check => !check.Tags.Contains(Readiness.Tag) });
app.MapHealthChecks("/healthz/ready");
if (metrics.Enabled) app.MapMetrics("/metrics");
app.MapSurveyApi();
app.MapIndexApi();
CchcSurvey.Web.Organisation.UnitApi.MapUnitApi(app);
app.MapIntegrityApi();
CchcSurvey.Web.Plans.PlanApi.MapPlanApi(app);
CchcSurvey.Web.Paper.PaperApi.MapPaperApi(app);
CchcSurvey.Web.Exports.ExportApi.MapExportApi(app);
app.MapQrCodes();
app.MapOpenApi("/openapi/{documentName}.json");
InstrumentLanguages.MapAudio(app);
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
