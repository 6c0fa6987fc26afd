using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Security;

/// <summary>Whose identifier a probe sends: the official's own commune, a sibling commune, the parent district, or none that exists.</summary>
public enum Target { Own, Sibling, Parent, Missing }

/// <summary>
/// The demo organisation with, in a commune (An Sơn), its sibling (Bình Phúc) and their parent district (Văn Quan,
/// through a counter of its own): a low rating with a comment, a flagged response, an alert and a case each; the
/// commune's manager and viewer signed in (cookie) and holding personal API tokens (bearer); officials of the
/// sibling and the district holding tokens too. Seeded once per test class.
/// </summary>
public abstract class AccessSweepFixture : IAsyncLifetime
{
    public const string Password = "Mat-khau-Truy-cap-1";
    public const string ManagerEmail = "quanly@an-son.test", ViewerEmail = "xem@an-son.test";
    public const string SiblingManagerEmail = "quanly@binh-phuc.test", DistrictManagerEmail = "quanly@van-quan.test";
    public const string ParentCounter = "VQ-Q9", ParentCounterName = "Quầy tiếp dân của huyện (kiểm thử)";

    private static readonly Dictionary<Target, string> Comments = new()
    {
        [Target.Own] = "Ý kiến kiểm thử của xã nhà 7730",
        [Target.Sibling] = "Ý kiến kiểm thử của xã bên 7731",
        [Target.Parent] = "Ý kiến kiểm thử của huyện 7732",
    };

    private SurveyAppFactory? _factory;

    public SurveyAppFactory Factory => _factory ?? throw new InvalidOperationException("The database server is not available.");

    /// <summary>False when the provider's server is not configured (the tests skip).</summary>
    public virtual bool Available => true;

    protected abstract SurveyAppFactory CreateFactory();

    public HttpClient ManagerCookie { get; private set; } = null!;
    public HttpClient ViewerCookie { get; private set; } = null!;
    public HttpClient ManagerBearer { get; private set; } = null!;
    public HttpClient ViewerBearer { get; private set; } = null!;
    public HttpClient AdminCookie { get; private set; } = null!;
    public string ManagerId { get; private set; } = "";

    /// <summary>The antiforgery token of each cookie client (bound to its sign-in).</summary>
    public Dictionary<HttpClient, string> FormTokens { get; } = [];

    public Dictionary<Target, long> Responses { get; } = [];
    public Dictionary<Target, long> Alerts { get; } = [];
    public Dictionary<Target, int> Cases { get; } = [];

    /// <summary>Personal API tokens: the manager's spare one (Own), and those of the sibling's and the district's managers.</summary>
    public Dictionary<Target, int> ApiTokens { get; } = [];

    /// <summary>Text that must never reach an official of An Sơn: the other units' names and the other units' comments.</summary>
    public IReadOnlyList<string> ForeignMarkers { get; } =
        ["Xã Bình Phúc", "Huyện Văn Quan", "Tỉnh Lạng Sơn", ParentCounterName, Comments[Target.Sibling], Comments[Target.Parent]];

    public static string Unit(Target target) => target switch
    {
        Target.Own => "VQ-AS",
        Target.Sibling => "VQ-BP",
        Target.Parent => "VQ",
        _ => "XX-KHONG-CO",
    };

    public static string Counter(Target target) => target switch
    {
        Target.Own => "VQ-AS-Q1",
        Target.Sibling => "VQ-BP-Q1",
        Target.Parent => ParentCounter,
        _ => "XX-KHONG-CO-Q1",
    };

    private const long NoSuchId = 987_654;

    /// <summary>The opaque identifier officials see for the target's comment (of a row that does not exist for Nothing).</summary>
    public string ResponseOf(Target target) => Opaque(OpaqueKind.Response, Responses.GetValueOrDefault(target, NoSuchId));
    public string AlertOf(Target target) => Opaque(OpaqueKind.Alert, Alerts.GetValueOrDefault(target, NoSuchId));

    private string Opaque(OpaqueKind kind, long id) =>
        Factory.Services.GetRequiredService<OpaqueIds>().ToOpaqueAsync(kind, id, CancellationToken.None).GetAwaiter().GetResult();
    public int CaseOf(Target target) => Cases.GetValueOrDefault(target, (int)NoSuchId);
    public int ApiTokenOf(Target target) => ApiTokens.GetValueOrDefault(target, (int)NoSuchId);

    /// <summary>A plan of each target's unit (the district's assigns its one task to Phòng Nội vụ), each with criterion C1 and task T1.</summary>
    public static string Plan(Target target) => target switch
    {
        Target.Own => "KH-AS",
        Target.Sibling => "KH-BP",
        Target.Parent => "KH-VQ",
        _ => "KH-KHONG-CO",
    };

    /// <summary>The evidence file of each plan's task T1.</summary>
    public Dictionary<Target, long> Evidence { get; } = [];

    public long EvidenceOf(Target target) => Evidence.GetValueOrDefault(target, NoSuchId);
    /// <summary>A counter tablet of each unit's counter; the Own one for revoking is separate, so that the others stay usable.</summary>
    public Dictionary<Target, int> Tablets { get; } = [];
    public int RevokableTablet { get; private set; }

    public int TabletOf(Target target) => Tablets.GetValueOrDefault(target, (int)NoSuchId);
    public int RevokableTabletOf(Target target) => target == Target.Own ? RevokableTablet : TabletOf(target);

    public async Task InitializeAsync()
    {
        if (!Available) return;
        _factory = CreateFactory();
        // The scanner is run once by hand below; a background scan would change the tables under a snapshot.
        _factory.ExtraSettings["Alerts:Enabled"] = "false";
        // So that /metrics is among the operations the sweep must find classified.
        _factory.ExtraSettings["Metrics:Enabled"] = "true";

        AdminCookie = await SignedInAsync(SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        // The district gets a counter of its own, so that the parent unit itself holds responses, alerts and cases.
        var created = await PostFormAsync(AdminCookie, "/admin/counters",
            ("Form.Unit", Unit(Target.Parent)), ("Form.Code", ParentCounter), ("Form.Name", ParentCounterName),
            ("Form.Instruments", "NHANH"), ("Form.DefaultInstrument", "NHANH"), ("Form.IsActive", "true"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        await AddOfficialAsync(ManagerEmail, "manager", Unit(Target.Own));
        await AddOfficialAsync(ViewerEmail, "viewer", Unit(Target.Own));
        await AddOfficialAsync(SiblingManagerEmail, "manager", Unit(Target.Sibling));
        await AddOfficialAsync(DistrictManagerEmail, "manager", Unit(Target.Parent));
        ManagerId = Factory.WithDatabase(db => db.Users.Single(u => u.Email == ManagerEmail).Id);

        ManagerBearer = Bearer(await ApiTokenAsync(ManagerEmail));
        ViewerBearer = Bearer(await ApiTokenAsync(ViewerEmail));
        ApiTokens[Target.Own] = TokenId(await ApiTokenAsync(ManagerEmail));
        ApiTokens[Target.Sibling] = TokenId(await ApiTokenAsync(SiblingManagerEmail));
        ApiTokens[Target.Parent] = TokenId(await ApiTokenAsync(DistrictManagerEmail));

        var citizen = Factory.CreateClient();
        foreach (var (target, comment) in Comments)
        {
            await SubmitAsync(citizen, Counter(target), new Dictionary<string, object> { ["HL"] = 1, ["GOP_Y"] = comment });
            // All-top answers sent at once: flagged TooFast, for the flagged-responses page.
            await SubmitAsync(citizen, Counter(target), new Dictionary<string, object> { ["HL"] = 5 }, elapsedSeconds: 0.5);
            Responses[target] = Factory.WithDatabase(db => db.Responses.Single(r => r.AnswersJson.Contains(comment)).Id);
        }
        Assert.Equal(3, Factory.WithDatabase(db => db.Responses.Count(r => r.Flags != 0)));
        // Comments and low-rating alerts reach officials from the next day (no clock finer than the day).
        Factory.WithDatabase(db => db.Responses.ExecuteUpdate(u => u.SetProperty(r => r.SubmittedHourUtc, r => r.SubmittedHourUtc.AddDays(-1))));

        using (var scope = Factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<AlertScanner>().ScanAsync(CancellationToken.None);
        foreach (var (target, response) in Responses)
        {
            Alerts[target] = Factory.WithDatabase(db => db.Alerts.Single(a => a.ResponseId == response).Id);
            var opened = await PostFormAsync(AdminCookie, "/dashboard/cases?handler=Open", ("responseId", Opaque(OpaqueKind.Response, response)));
            Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
            Cases[target] = Factory.WithDatabase(db => db.Cases.Single(c => c.ResponseId == response).Id);
        }

        foreach (var (target, lead) in new[] { (Target.Own, "VQ-AS"), (Target.Sibling, "VQ-BP"), (Target.Parent, "VQ-NV") })
            Evidence[target] = await CreatePlanAsync(Plan(target), Unit(target), lead);
        foreach (var target in new[] { Target.Own, Target.Sibling, Target.Parent })
            Tablets[target] = await AddTabletAsync(Counter(target));
        RevokableTablet = await AddTabletAsync(Counter(Target.Own));

        ManagerCookie = await SignedInAsync(ManagerEmail, Password);
        ViewerCookie = await SignedInAsync(ViewerEmail, Password);
    }

    /// <summary>A plan of one criterion with a numeric target and one task, and a progress report with a PDF on the task.</summary>
    private async Task<long> CreatePlanAsync(string code, string unit, string taskUnit)
    {
        using var scope = Factory.Services.CreateScope();
        var plans = scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Plans.PlanService>();
        var (result, errors) = await plans.ImportAsync(null, "test", new CchcSurvey.Web.Plans.PlanHeader(code, "Kế hoạch kiểm thử " + code, unit, 2026, new(2026, 1, 1), new(2026, 11, 20)),
            new StringReader("code,index,title,lead,implementers,target,measured_by,target_value,target_unit\nC1,SIPAS,Tiêu chí kiểm thử,,,,NHANH:share,80,%\n".Replace(",,,,NHANH", $",{taskUnit},,,NHANH")),
            new StringReader($"criterion,code,title,lead,units,deadline\nC1,T1,Nhiệm vụ kiểm thử,Đơn vị,{taskUnit},2026-11-20\n"), CancellationToken.None);
        Assert.True(result.Ok, string.Join("; ", errors));
        var db = scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Data.SurveyDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Plans.EvidenceStore>();
        var task = db.PlanTasks.Single(t => t.Code == "T1" && t.Criterion.Plan.Code == code);
        var progress = new CchcSurvey.Web.Data.PlanTaskProgress { TaskId = task.Id, Status = CchcSurvey.Core.Plans.ProgressStatus.InProgress, Date = new(2026, 2, 1), Author = "test", Note = "Minh chứng " + code };
        progress.Evidence.Add(await store.SaveAsync(new CchcSurvey.Web.Plans.EvidenceUpload("minh-chung.pdf", "%PDF-1.4\n%kiểm thử\n"u8.ToArray()), CancellationToken.None));
        db.PlanTaskProgress.Add(progress);
        await db.SaveChangesAsync();
        return progress.Evidence[0].Id;
    }

    public Task DisposeAsync()
    {
        _factory?.Dispose();
        return Task.CompletedTask;
    }

    private async Task<int> AddTabletAsync(string counterCode)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Data.SurveyDbContext>();
        var counter = db.Counters.Single(c => c.Code == counterCode);
        var issued = await scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Surveys.KioskCredentials>().IssueAsync(counter, "Máy kiểm thử", null, CancellationToken.None);
        return issued.Tablet.Id;
    }

    public async Task AddOfficialAsync(string email, string role, string unit)
    {
        await Officials.AddAsync(Factory, email, role, unit, Password);
    }

    /// <summary>A personal API token, through the command line as an operator would get it.</summary>
    public async Task<string> ApiTokenAsync(string email)
    {
        var run = await CliRunner.RunAsync(Factory, "token", "add", "--email", email);
        Assert.True(run.ExitCode == 0, run.Error);
        return run.LastLine;
    }

    public int TokenId(string token)
    {
        var hash = ApiTokenService.Hash(token);
        return Factory.WithDatabase(db => db.ApiTokens.Single(t => t.TokenHash == hash).Id);
    }

    public HttpClient Bearer(string token)
    {
        var client = Factory.CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var client = Factory.CreateBrowserClient();
        await Http.SignInAsync(client, email, password);
        // Every official may open their tokens page, so it always has a form to take the token from.
        FormTokens[client] = Http.AntiforgeryToken(await client.GetStringAsync("/account/tokens"));
        return client;
    }

    /// <summary>A form post from a client made by <see cref="SignedInAsync"/>, with its antiforgery token.</summary>
    public Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, params (string Name, string Value)[] fields)
    {
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        form.Add(new("__RequestVerificationToken", FormTokens[client]));
        return client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private static async Task SubmitAsync(HttpClient client, string counter, Dictionary<string, object> answers, double? elapsedSeconds = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = Guid.NewGuid(), counter, instrument = "NHANH", channel = "qr", answers, elapsedSeconds,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

public sealed class SqliteAccessSweepFixture : AccessSweepFixture
{
    protected override SurveyAppFactory CreateFactory() => new();
}

public sealed class PostgresAccessSweepFixture : AccessSweepFixture
{
    public override bool Available => PostgresAppFactory.ServerConnectionString is not null;

    protected override SurveyAppFactory CreateFactory() => new PostgresAppFactory();
}
