using System.Globalization;
using System.Net;
using static CchcSurvey.Web.Tests.Security.AccessSweepFixture;

namespace CchcSurvey.Web.Tests.Security;

/// <summary>Who may use an operation.</summary>
public enum Access
{
    /// <summary>Anyone, without signing in (citizens, kiosks, published results, health checks).</summary>
    Public,
    /// <summary>Signing in and out.</summary>
    Session,
    /// <summary>An official's own account: another official's object answers 404.</summary>
    Own,
    /// <summary>Every official reads within their scope; outside it, 404.</summary>
    Read,
    /// <summary>Managers and administrators change within their scope (outside: 404); a viewer gets 403.</summary>
    Act,
    /// <summary>Counter staff: managers and administrators within their scope (outside: 404); viewers are refused.</summary>
    Staff,
    /// <summary>Administrators only: everyone else is refused (403, or sent to the sign-in page).</summary>
    Admin,
}

/// <summary>One request: a GET, a form post (pages) or a JSON post (API).</summary>
public sealed record Call(string Method, string Url, IReadOnlyList<(string Name, string Value)>? Form = null, object? Json = null)
{
    public static Call Get(string url) => new("GET", url);
    public static Call Post(string url, params (string, string)[] form) => new("POST", url, form);
    public static Call PostJson(string url, object json) => new("POST", url, Json: json);
    public bool IsApi => Url.StartsWith("/api/", StringComparison.Ordinal);
    public override string ToString() => $"{Method} {Url}{(Form is null ? "" : " " + string.Join("&", Form.Select(f => $"{f.Name}={f.Value}")))}";
}

/// <summary>
/// A request of an operation for a target. <see cref="Identifies"/>: the target decides the identifier sent (else
/// the request is the same for every target and only the official's own scope is read). <see cref="Own"/>: the
/// answer to the commune's manager (and, for reads, its viewer) with the commune's own identifier.
/// </summary>
public sealed record Probe(Func<AccessSweepFixture, Target, Call> Build, bool Identifies = true, HttpStatusCode Own = HttpStatusCode.OK)
{
    public static Probe Fixed(Call call, HttpStatusCode own = HttpStatusCode.OK) => new((_, _) => call, Identifies: false, own);
}

/// <summary>
/// How one operation of the app is protected. <see cref="Ids"/> are the inputs that name a unit, counter, response,
/// alert, case or token (each is probed with other units' values); <see cref="Other"/> the inputs that do not.
/// </summary>
public sealed record AccessRule(string Key, Access Access, string Why, string[] Ids, string[] Other, Probe[] Probes)
{
    public string Method => Key[..Key.IndexOf(' ')];
}

/// <summary>Every operation of the app and how it is protected. An operation missing here fails <c>Every_operation_of_the_app_is_classified</c>.</summary>
public static class AccessRules
{
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static readonly string Quarter = Pages.Comments.WorkspaceSteps.CurrentQuarter();

    private static readonly string[] CommentFilters = ["from", "to", "instrument", "state", "tag", "low", "p", "day", "after"];

    /// <summary>The comments page's posts bind its filters too, unit included, and ignore them.</summary>
    private static readonly string[] CommentPostIgnores = ["unit", .. CommentFilters];

    private static AccessRule Public(string key, string why) => new(key, Access.Public, why, [], [], []);

    private static AccessRule Session(string key, string why) => new(key, Access.Session, why, [], [], []);

    private static AccessRule Admin(string key, params Call[] calls) =>
        new(key, Access.Admin, "administration", [], [], calls.Select(c => Probe.Fixed(c)).ToArray());

    public static readonly IReadOnlyList<AccessRule> All =
    [
        // Anonymous by design: nothing here depends on who asks, and nothing is secret.
        Public("ANY /healthz", "operators' health probe: says only whether the app and its database answer"),
        Public("ANY /healthz/ready", "operators' readiness probe: says only whether this instance can take answers now"),
        Public("ANY /metrics", "operators' Prometheus metrics: counts and timings, nothing about answers; 404 outside Metrics:AllowedNetworks (tests/Operations/MetricsTests)"),
        Public("GET /", "home page: the active counters' survey links, which the posters at the counters show anyway"),
        Public("GET /Index", "the home page under its page name"),
        Public("GET /api/v1/counters", "counters list for kiosks and queue systems; their names are on the posters"),
        Public("GET /api/v1/counters/{code}", "one counter for a kiosk: name, unit and offered questionnaires, as on its poster"),
        Public("GET /api/v1/counters/{code}/qr.{format:regex(^(png|svg)$)}", "a counter's QR code, printed on its poster"),
        Public("GET /api/v1/instruments", "the published questionnaires"),
        Public("GET /api/v1/instruments/{code}", "one published questionnaire"),
        Public("POST /api/v1/responses", "citizens' and kiosks' answers"),
        Public("GET /api/v1/receipts/{submissionId}", "a citizen's receipt: a random id that only the citizen has; date only"),
        Public("GET /openapi/{documentName}.json", "the API's OpenAPI description: what integrators build clients from; describes, holds no data"),
        Public("GET /docs/api", "the API reference page for integrators, rendered from the OpenAPI description"),
        Public("GET /public", "published unit-quarters: public by an administrator's decision"),
        Public("GET /public/{unit}/{quarter}", "one publication: frozen figures with n ≥ MinN and public answers only"),
        Public("GET /s/{counter}/{instrument?}", "the citizen's survey"),
        Public("POST /s/{counter}/{instrument?}", "the citizen's answers"),
        Public("GET /s/{counter}/cam-on/{submissionId:guid}", "the citizen's thank-you page"),
        Public("GET /kiosk/{counter}/{instrument?}", "the kiosk's survey"),
        Public("POST /kiosk/{counter}/{instrument?}", "the kiosk's answers"),
        Public("GET /kiosk/{counter}/cam-on", "the kiosk's thank-you page"),
        Public("GET /kiosk-enrol/{code}", "a tablet's enrolment link: a random single-use secret that expires within the hour"),
        Public("GET /audio/{id:int}", "a recording of a published question, played on the citizen's survey"),
        Public("GET /r/{submissionId}", "a citizen's receipt page: a random id that only the citizen has; date only"),
        Public("GET /t/{token}", "the survey of a dossier token: a random secret printed on the citizen's slip"),
        Public("POST /t/{token}", "the answers to a dossier token's survey"),
        Session("GET /account/login", "the sign-in form"),
        Session("POST /account/login", "signing in"),
        Session("GET /account/logout", "sends home"),
        Session("POST /account/logout", "signing out"),
        Session("GET /account/login/2fa", "the second step of signing in: only with the password step's short-lived two-factor cookie"),
        Session("POST /account/login/2fa", "the authenticator or recovery code of the account whose password was just given"),

        // The official's own account.
        new("GET /account/tokens", Access.Own, "the official's own tokens", [], [], [Probe.Fixed(Call.Get("/account/tokens"))]),
        new("POST /account/tokens?handler=Create", Access.Own, "every official, viewers included, may create their own tokens", [], ["name", "days"], []),
        new("GET /account/security", Access.Own, "the official's own password and authenticator", [], ["done"], [Probe.Fixed(Call.Get("/account/security"))]),
        new("POST /account/security?handler=Enable", Access.Own, "turning on one's own authenticator with its current code", [], ["code"], []),
        new("POST /account/security?handler=RecoveryCodes", Access.Own, "one's own new recovery codes, with the current password", [], ["password"], []),
        new("POST /account/security?handler=Reset", Access.Own, "resetting one's own authenticator, with the current password", [], ["password"], []),
        new("POST /account/security?handler=Password", Access.Own, "changing one's own password, with the current one", [], ["current", "password", "confirm"], []),
        new("POST /account/tokens?handler=Revoke", Access.Own, "revoking one's own token; another official's is 404", ["id"], [],
            [new((w, t) => Call.Post("/account/tokens?handler=Revoke", ("id", Id(w.ApiTokenOf(t)))), Own: HttpStatusCode.Redirect)]),

        // Reads within the scope.
        new("GET /dashboard", Access.Read, "figures of a unit", ["unit"], ["from", "to", "instrument", "channel", "flagged", "period", "units"],
            [Probe.Fixed(Call.Get("/dashboard")), new((_, t) => Call.Get($"/dashboard?unit={Unit(t)}"))]),
        new("GET /dashboard/flagged", Access.Read, "flagged responses of the scope", [], [], [Probe.Fixed(Call.Get("/dashboard/flagged"))]),
        new("GET /dashboard/comments", Access.Read, "comments of the scope or of one unit", ["unit"], CommentFilters,
            [Probe.Fixed(Call.Get("/dashboard/comments")), new((_, t) => Call.Get($"/dashboard/comments?unit={Unit(t)}"))]),
        new("GET /dashboard/alerts", Access.Read, "open alerts of the scope", [], [], [Probe.Fixed(Call.Get("/dashboard/alerts"))]),
        new("GET /dashboard/cases", Access.Read, "cases of the scope", [], ["status"], [Probe.Fixed(Call.Get("/dashboard/cases"))]),
        new("GET /dashboard/cases/{id:int}", Access.Read, "one case", ["id"], [],
            [new((w, t) => Call.Get($"/dashboard/cases/{w.CaseOf(t)}"))]),
        new("GET /dashboard/report", Access.Read, "the quarterly report of a unit, also as .docx", ["unit"], ["quarter", "format", "units"],
            [Probe.Fixed(Call.Get("/dashboard/report")), new((_, t) => Call.Get($"/dashboard/report?unit={Unit(t)}&quarter={Quarter}")),
             new((_, t) => Call.Get($"/dashboard/report?unit={Unit(t)}&quarter={Quarter}&format=docx"))]),
        new("POST /dashboard/report?handler=Docx", Access.Read, "the quarterly report as .docx with the findings as edited on the page (nothing stored)", ["unit"], ["quarter", "Findings", "format", "units"],
            [new((_, t) => Call.Post("/dashboard/report?handler=Docx", ("unit", Unit(t)), ("quarter", Quarter), ("Findings", "Nhận xét.")))]),
        new("GET /plans", Access.Read, "plans of the scope, or assigning work to it", [], ["created"], [Probe.Fixed(Call.Get("/plans"))]),
        new("GET /plans/{code}", Access.Read, "one plan as of a date", ["code"], ["AsOf"],
            [new((_, t) => Call.Get($"/plans/{Plan(t)}")), new((_, t) => Call.Get($"/plans/{Plan(t)}?asOf=2026-06-30")), Probe.Fixed(Call.Get("/plans/VQ-2023"))]),
        new("GET /plans/{code}/tasks/{task}", Access.Read, "one task and its history", ["code", "task"], [],
            [new((_, t) => Call.Get($"/plans/{Plan(t)}/tasks/T1"))]),
        new("GET /plans/{code}/evidence/{id:long}", Access.Read, "an evidence file of a task", ["code", "id"], [],
            [new((w, t) => Call.Get($"/plans/{Plan(t)}/evidence/{Id(w.EvidenceOf(t))}")), new((w, t) => Call.Get($"/plans/{Plan(Target.Own)}/evidence/{Id(w.EvidenceOf(t))}"))]),
        new("GET /plans/{code}/report", Access.Read, "the progress report of a plan, also as .docx", ["code"], ["AsOf", "Format"],
            [new((_, t) => Call.Get($"/plans/{Plan(t)}/report")), new((_, t) => Call.Get($"/plans/{Plan(t)}/report?asOf=2026-12-31&format=docx"))]),
        new("GET /api/v1/plans", Access.Read, "plans of the scope, or assigning work to it", [], [], [Probe.Fixed(Call.Get("/api/v1/plans"))]),
        new("GET /api/v1/plans/{code}", Access.Read, "one plan as of a date", ["code"], ["asOf"],
            [new((_, t) => Call.Get($"/api/v1/plans/{Plan(t)}")), new((_, t) => Call.Get($"/api/v1/plans/{Plan(t)}?asOf=2026-12-31"))]),
        new("GET /api/v1/units/{code}/indices", Access.Read, "a unit's figures", ["code"], ["instrument", "from", "to", "channel", "includeFlagged", "units", "weight"],
            [new((_, t) => Call.Get($"/api/v1/units/{Unit(t)}/indices")), new((_, t) => Call.Get($"/api/v1/units/{Unit(t)}/indices?instrument=NHANH&includeFlagged=false"))]),
        new("GET /api/v1/units/{code}", Access.Read, "a unit with its parent, successor and predecessors (those within the scope)", ["code"], [],
            [new((_, t) => Call.Get($"/api/v1/units/{Unit(t)}"))]),
        new("GET /api/v1/units/{code}/ranking", Access.Read, "the ranking of a unit's children", ["code"], ["instrument", "item", "from", "to", "channel", "includeFlagged", "units"],
            [new((_, t) => Call.Get($"/api/v1/units/{Unit(t)}/ranking")), new((_, t) => Call.Get($"/api/v1/units/{Unit(t)}/ranking?instrument=NHANH"))]),
        new("GET /api/v1/units/{code}/planning", Access.Read, "a unit's sample size, response rate, 766 points and weighted share", ["code"], ["instrument", "from", "to", "channel", "includeFlagged", "weight"],
            [new((_, t) => Call.Get($"/api/v1/units/{Unit(t)}/planning")), new((_, t) => Call.Get($"/api/v1/units/{Unit(t)}/planning?instrument=SIPAS-DV&weight=profile"))]),
        new("GET /api/v1/export/{file}", Access.Read, "exports; microdata for administrators only (403 in scope, 404 outside)", ["unit"],
            ["file", "instrument", "from", "to", "channel", "includeFlagged"],
            [
                .. from kind in new[] { "indices", "responses", "codebook" }
                   from format in new[] { "csv", "xlsx", "json" }
                   let own = kind == "responses" ? HttpStatusCode.Forbidden : HttpStatusCode.OK
                   select new Probe((_, t) => Call.Get($"/api/v1/export/{kind}.{format}?unit={Unit(t)}"), Own: own),
                Probe.Fixed(Call.Get("/api/v1/export/indices.csv")),
                Probe.Fixed(Call.Get("/api/v1/export/indices.json?instrument=NHANH")),
            ]),

        // Changes within the scope: managers (and administrators) only.
        new("POST /dashboard/comments?handler=Handled", Access.Act, "mark a comment handled", ["id"], ["handled", "back", .. CommentPostIgnores],
            [new((w, t) => Call.Post("/dashboard/comments?handler=Handled", ("id", w.ResponseOf(t)), ("handled", "true")), Own: HttpStatusCode.Redirect)]),
        new("POST /dashboard/comments?handler=Tags", Access.Act, "tag a comment", ["id"], ["tags", "back", .. CommentPostIgnores],
            [new((w, t) => Call.Post("/dashboard/comments?handler=Tags", ("id", w.ResponseOf(t)), ("tags", "kiểm thử")), Own: HttpStatusCode.Redirect)]),
        new("POST /dashboard/alerts?handler=Acknowledge", Access.Act, "acknowledge an alert", ["id"], [],
            [new((w, t) => Call.Post("/dashboard/alerts?handler=Acknowledge", ("id", w.AlertOf(t))), Own: HttpStatusCode.Redirect)]),
        new("POST /dashboard/cases?handler=Open", Access.Act, "open a case from a comment", ["responseId"], ["status"],
            [new((w, t) => Call.Post("/dashboard/cases?handler=Open", ("responseId", w.ResponseOf(t))), Own: HttpStatusCode.Redirect)]),
        new("POST /dashboard/cases/{id:int}", Access.Act, "update a case", ["id"], ["Status", "AssigneeId", "Note", "PublicAnswer"],
            [new((w, t) => Call.Post($"/dashboard/cases/{w.CaseOf(t)}", ("Status", "InProgress"), ("Note", "Ghi chú kiểm thử"), ("AssigneeId", "")), Own: HttpStatusCode.Redirect)]),

        new("POST /plans?handler=Import", Access.Act, "create a plan of a unit from CSV files", ["Unit"], ["Code", "Title", "Year", "Start", "Deadline", "CriteriaFile", "TasksFile", "Source"],
            [new((_, t) => Call.Post("/plans?handler=Import", ("Unit", Unit(t)), ("Code", "KH-MOI"), ("Title", "Kế hoạch mới"), ("Year", "2027"), ("Start", "2027-01-01"), ("Deadline", "2027-11-20")),
                Own: HttpStatusCode.BadRequest)]),
        new("POST /plans?handler=Copy", Access.Act, "copy a plan into a new plan of a unit", ["Unit", "Source"], ["Code", "Title", "Year", "Start", "Deadline", "CriteriaFile", "TasksFile"],
            [new((_, t) => Call.Post("/plans?handler=Copy", ("Unit", Unit(t)), ("Source", Plan(Target.Own)), ("Code", "KH-" + Guid.NewGuid().ToString("N")[..8]), ("Title", "Bản sao"),
                ("Year", "2027"), ("Start", "2027-01-01"), ("Deadline", "2027-11-20")), Own: HttpStatusCode.Redirect),
             new((_, t) => Call.Post("/plans?handler=Copy", ("Unit", Unit(Target.Own)), ("Source", Plan(t)), ("Code", "KH-" + Guid.NewGuid().ToString("N")[..8]), ("Title", "Bản sao"),
                ("Year", "2027"), ("Start", "2027-01-01"), ("Deadline", "2027-11-20")), Own: HttpStatusCode.Redirect)]),
        new("POST /plans/{code}?handler=Value", Access.Act, "a criterion's value for a period", ["code"], ["Criterion", "Period", "Value", "Note", "AsOf"],
            [new((_, t) => Call.Post($"/plans/{Plan(t)}?handler=Value", ("Criterion", "C1"), ("Period", "2026-Q1"), ("Value", "61,5")), Own: HttpStatusCode.Redirect)]),
        new("POST /plans/{code}/tasks/{task}", Access.Act, "a progress report of a task, with evidence files", ["code", "task"], ["Status", "Note", "Date", "Files"],
            [new((_, t) => Call.Post($"/plans/{Plan(t)}/tasks/T1", ("Status", "done"), ("Note", "Đã xong"), ("Date", "2026-03-01")), Own: HttpStatusCode.Redirect)]),
        new("POST /api/v1/plans/{code}/tasks/{task}/progress", Access.Act, "a progress report of a task", ["code", "task"], ["status", "note", "date"],
            [new((_, t) => Call.PostJson($"/api/v1/plans/{Plan(t)}/tasks/T1/progress", new { status = "in_progress", note = "Đang làm" }), Own: HttpStatusCode.Created)]),

        // Counter staff.
        new("GET /staff/token", Access.Staff, "the slip form, preselecting a counter", ["counter"], [],
            [Probe.Fixed(Call.Get("/staff/token")), new((_, t) => Call.Get($"/staff/token?counter={Counter(t)}"))]),
        new("POST /staff/token", Access.Staff, "issue a dossier token at a counter", ["counter"], [],
            [new((_, t) => Call.Post("/staff/token", ("counter", Counter(t))))]),
        new("POST /api/v1/tokens", Access.Staff, "a queue system asks for a dossier token at a counter", ["counter"], ["dossier"],
            [new((_, t) => Call.PostJson("/api/v1/tokens", new { counter = Counter(t), dossier = "HS-1" }), Own: HttpStatusCode.Created)]),
        new("GET /admin/kiosks", Access.Staff, "the counter tablets of the scope", [], [], [Probe.Fixed(Call.Get("/admin/kiosks"))]),
        new("POST /admin/kiosks?handler=Create", Access.Staff, "create a tablet of a counter, with its enrolment link", ["counter"], ["name"],
            [new((_, t) => Call.Post("/admin/kiosks?handler=Create", ("counter", Counter(t)), ("name", "Máy tính bảng mới")))]),
        new("POST /admin/kiosks?handler=Link", Access.Staff, "a new enrolment link for a tablet", ["id"], ["counter", "name"],
            [new((w, t) => Call.Post($"/admin/kiosks?handler=Link&id={w.TabletOf(t)}"))]),
        new("POST /admin/kiosks?handler=Rename", Access.Staff, "rename a tablet", ["id"], ["counter", "name"],
            [new((w, t) => Call.Post($"/admin/kiosks?handler=Rename&id={w.TabletOf(t)}", ("name", "Đổi tên máy")), Own: HttpStatusCode.Redirect)]),
        new("POST /admin/kiosks?handler=Revoke", Access.Staff, "revoke a tablet", ["id"], ["counter", "name"],
            [new((w, t) => Call.Post($"/admin/kiosks?handler=Revoke&id={w.RevokableTabletOf(t)}"), Own: HttpStatusCode.Redirect)]),
        new("POST /api/v1/dossiers", Access.Staff, "dossier counts of a unit", ["unit"], ["month", "count"],
            [new((_, t) => Call.PostJson("/api/v1/dossiers", new { unit = Unit(t), month = "2026-01", count = 40 }))]),
        new("GET /api/v1/paper/forms/{counter}/{file}", Access.Staff, "print paper questionnaires for a counter (serials stored)", ["counter"], ["file", "sheets", "lang"],
            [new((_, t) => Call.Get($"/api/v1/paper/forms/{Counter(t)}/NHANH.pdf?sheets=1"))]),
        new("GET /api/v1/paper/forms/{counter}/{instrument}/layout.json", Access.Staff, "where a counter's paper form prints each box", ["counter"], ["instrument", "lang"],
            [new((_, t) => Call.Get($"/api/v1/paper/forms/{Counter(t)}/NHANH/layout.json"))]),
        // Paper review and entry: sheets are found by serial (or counter); a serial or page of another unit is 404. The
        // sweep's units have no sheets waiting, so their own probes are 404 too; PaperScanTests checks a real sheet
        // in scope (stored by review) and the same serial and page image asked by another unit's manager (404).
        new("GET /paper/review", Access.Staff, "the review queue of the scope, or one sheet", ["Serial"], [],
            [Probe.Fixed(Call.Get("/paper/review")), new((_, t) => Call.Get($"/paper/review?serial=ZZ{(int)t}ZZZZZZZ"), Own: HttpStatusCode.NotFound)]),
        new("GET /paper/review?handler=Image", Access.Staff, "a scanned page's image", ["id"], ["Serial"],
            [new((_, t) => Call.Get($"/paper/review?handler=Image&id={987_000 + (int)t}"), Own: HttpStatusCode.NotFound)]),
        new("POST /paper/review", Access.Staff, "store a reviewed sheet", ["Serial"], [],
            [new((_, t) => Call.Post("/paper/review", ("serial", $"ZZ{(int)t}ZZZZZZZ")), Own: HttpStatusCode.NotFound)]),
        new("POST /paper/review?handler=Discard", Access.Staff, "discard an unreadable page", ["id"], ["Serial"],
            [new((_, t) => Call.Post("/paper/review?handler=Discard", ("id", (987_000 + (int)t).ToString(CultureInfo.InvariantCulture))), Own: HttpStatusCode.NotFound)]),
        new("GET /paper/entry", Access.Staff, "the keyboard entry form of a counter's instrument or a sheet", ["Serial", "Counter"], ["Instrument"],
            [Probe.Fixed(Call.Get("/paper/entry")), new((_, t) => Call.Get($"/paper/entry?counter={Counter(t)}&instrument=NHANH"))]),
        new("POST /paper/entry", Access.Staff, "store a typed questionnaire (or its first entry)", ["Serial", "Counter"], ["Instrument", "Double", "Settle"],
            [new((_, t) => Call.Post($"/paper/entry?counter={Counter(t)}&instrument=NHANH", ("i.HL", "5")), Own: HttpStatusCode.Redirect)]),
        // Which sheets an upload may touch is decided per serial inside (a serial of another unit is refused, tested in PaperScanTests).
        new("POST /api/v1/paper/scans", Access.Staff, "upload scanned questionnaires", [], [],
            [Probe.Fixed(Call.PostJson("/api/v1/paper/scans", new { }), HttpStatusCode.BadRequest)]),
        new("POST /api/v1/paper/batches", Access.Staff, "queue a large scan for background reading", [], [],
            [Probe.Fixed(Call.PostJson("/api/v1/paper/batches", new { }), HttpStatusCode.BadRequest)]),
        // A batch is visible within the scope it was uploaded from (PaperBatchTests checks another commune's manager gets 404).
        new("GET /api/v1/paper/batches/{id}", Access.Staff, "a background scan's progress", ["id"], [],
            [new((_, t) => Call.Get($"/api/v1/paper/batches/00000000-0000-0000-0000-{987_000 + (int)t:D12}"), Own: HttpStatusCode.NotFound)]),
        new("GET /paper/upload", Access.Staff, "the upload form, or a batch's progress", ["Batch"], [],
            [Probe.Fixed(Call.Get("/paper/upload")), new((_, t) => Call.Get($"/paper/upload?batch=00000000-0000-0000-0000-{987_000 + (int)t:D12}"), Own: HttpStatusCode.NotFound)]),
        new("POST /paper/upload", Access.Staff, "queue an uploaded scan (a plain form post)", [], ["file", "Batch"],
            [Probe.Fixed(Call.Post("/paper/upload"), HttpStatusCode.BadRequest)]),

        // Administration: refused to everyone but administrators, whatever the identifier.
        Admin("GET /Admin", Call.Get("/admin")),
        Admin("GET /Admin/Index", Call.Get("/Admin/Index")),
        Admin("GET /admin/audit", Call.Get("/admin/audit")),
        Admin("GET /admin/counters", Call.Get("/admin/counters")),
        Admin("POST /admin/counters", Call.Post("/admin/counters", ("Form.Unit", "VQ-AS"), ("Form.Code", "VQ-AS-Q8"), ("Form.Name", "Quầy mới"),
            ("Form.Instruments", "NHANH"), ("Form.DefaultInstrument", "NHANH"))),
        Admin("GET /admin/counters/{code}", Call.Get("/admin/counters/VQ-AS-Q1")),
        Admin("POST /admin/counters/{code}", Call.Post("/admin/counters/VQ-AS-Q1", ("Form.Name", "Đổi tên"), ("Form.Instruments", "NHANH"),
            ("Form.DefaultInstrument", "NHANH"), ("Form.IsActive", "false"))),
        Admin("GET /admin/instruments", Call.Get("/admin/instruments")),
        Admin("POST /admin/instruments?handler=Preview", Call.Post("/admin/instruments?handler=Preview", ("Json", "{}"))),
        Admin("POST /admin/instruments?handler=Publish", Call.Post("/admin/instruments?handler=Publish", ("Json", "{}"))),
        Admin("POST /admin/instruments?handler=PreviewTranslation", Call.Post("/admin/instruments?handler=PreviewTranslation", ("TranslationFor", "NHANH"), ("TranslationJson", "{}"))),
        Admin("POST /admin/instruments?handler=SaveTranslation", Call.Post("/admin/instruments?handler=SaveTranslation", ("TranslationFor", "NHANH"), ("TranslationJson", "{}"))),
        Admin("POST /admin/instruments?handler=Recording", Call.Post("/admin/instruments?handler=Recording", ("RecordingFor", "NHANH"), ("RecordingItem", "HL"), ("RecordingLanguage", "vi"))),
        Admin("GET /admin/publishing", Call.Get("/admin/publishing")),
        Admin("POST /admin/publishing?handler=Publish", Call.Post("/admin/publishing?handler=Publish", ("unit", "VQ-AS"), ("quarter", Quarter))),
        Admin("POST /admin/publishing?handler=Withdraw", Call.Post("/admin/publishing?handler=Withdraw", ("id", "1"))),
        Admin("GET /admin/qr/{counterCode}", Call.Get("/admin/qr/VQ-AS-Q1")),
        Admin("GET /admin/qr/unit/{unitCode}", Call.Get("/admin/qr/unit/VQ-AS")),
        Admin("GET /admin/units", Call.Get("/admin/units")),
        Admin("POST /admin/units", Call.Post("/admin/units", ("Form.Code", "VQ-AS-X"), ("Form.Name", "Thôn mới"), ("Form.Parent", "VQ-AS"))),
        Admin("GET /admin/units/{code}", Call.Get("/admin/units/VQ-AS")),
        Admin("GET /admin/units/reorganise", Call.Get("/admin/units/reorganise"), Call.Get("/admin/units/reorganise?job=1")),
        Admin("POST /admin/units/reorganise?handler=Preview", Call.Post("/admin/units/reorganise?handler=Preview", ("csv", "old,new,new_parent,new_name\nVQ-AS,VQ-BP,,\n"))),
        Admin("POST /admin/units/reorganise?handler=Apply", Call.Post("/admin/units/reorganise?handler=Apply", ("csv", "old,new,new_parent,new_name\nVQ-AS,VQ-BP,,\n"), ("fileName", "x.csv"))),
        Admin("POST /admin/units/{code}?handler=Rename", Call.Post("/admin/units/VQ-AS?handler=Rename", ("name", "Đổi tên"), ("level", "Xã"))),
        Admin("POST /admin/units/{code}?handler=Move", Call.Post("/admin/units/VQ-AS?handler=Move", ("parent", "VQ-TT"))),
        Admin("POST /admin/units/{code}?handler=Merge", Call.Post("/admin/units/VQ-AS?handler=Merge", ("successor", "VQ-TT"))),
        Admin("POST /admin/units/{code}?handler=Leads", Call.Post("/admin/units/VQ-AS?handler=Leads", ("leads[CC]", "Phòng Nội vụ xã"))),
        Admin("GET /admin/webhooks", Call.Get("/admin/webhooks")),
        Admin("POST /admin/webhooks?handler=Create", Call.Post("/admin/webhooks?handler=Create", ("ReceiverUrl", "http://127.0.0.1:9/hook"), ("Events", "case.opened"))),
        Admin("POST /admin/webhooks?handler=Delete", Call.Post("/admin/webhooks?handler=Delete", ("id", "1"))),
        Admin("GET /admin/users", Call.Get("/admin/users")),
        Admin("POST /admin/users", Call.Post("/admin/users", ("Form.Email", "moi@an-son.test"), ("Form.Password", "Mat-khau-Moi-1"), ("Form.Role", "admin"))),
        new("GET /admin/users/{id}", Access.Admin, "administration", [], [], [new((w, _) => Call.Get($"/admin/users/{w.ManagerId}"), Identifies: false)]),
        new("POST /admin/users/{id}?handler=Role", Access.Admin, "administration", [], [],
            [new((w, _) => Call.Post($"/admin/users/{w.ManagerId}?handler=Role", ("role", "admin"), ("unit", "")), Identifies: false)]),
        new("POST /admin/users/{id}?handler=Lock", Access.Admin, "administration", [], [],
            [new((w, _) => Call.Post($"/admin/users/{w.ManagerId}?handler=Lock"), Identifies: false)]),
        new("POST /admin/users/{id}?handler=Unlock", Access.Admin, "administration", [], [],
            [new((w, _) => Call.Post($"/admin/users/{w.ManagerId}?handler=Unlock"), Identifies: false)]),
    ];
}
