using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using CchcSurvey.Web.Tests.Pages.Comments;
using CchcSurvey.Web.Webhooks;
using CchcSurvey.Web.Workspace;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Webhooks;

/// <summary>The app with a quick dispatcher: it looks at the outbox every 100 ms and retries after 0.2 s, 0.4 s, …</summary>
public sealed class WebhookAppFactory : SurveyAppFactory
{
    public WebhookAppFactory()
    {
        ExtraSettings["Webhooks:PollSeconds"] = "0.1";
        ExtraSettings["Webhooks:FirstRetrySeconds"] = "0.2";
        ExtraSettings["Webhooks:TimeoutSeconds"] = "10";
        ExtraSettings["Alerts:Enabled"] = "false";
    }
}

/// <summary>
/// Webhooks end to end: an administrator registers a receiver on /admin/webhooks (audited), the app's events reach a
/// receiver on 127.0.0.1 signed with HMAC-SHA256 over the timestamp and body, failures are retried with the same id,
/// a slow receiver is not sent the same delivery twice, and no delivery carries a comment's text or a time of day.
/// </summary>
public sealed partial class WebhookTests(WebhookAppFactory factory) : IClassFixture<WebhookAppFactory>, IAsyncLifetime
{
    private TestReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await TestReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<(HttpClient Admin, string Secret)> RegisterAsync(string url, params string[] events)
    {
        var admin = await AdminForms.AdminAsync(factory);
        var secret = "test-secret-" + Guid.NewGuid().ToString("N");
        var fields = new List<(string, string)> { ("ReceiverUrl", url), ("Secret", secret) };
        fields.AddRange(events.Select(e => ("Events", e)));
        var response = await AdminForms.PostAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Create", [.. fields]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(url, await AdminForms.HtmlAsync(response));
        return (admin, secret);
    }

    private async Task PublishAsync(HttpClient admin, string unit = "VQ-AS")
    {
        var response = await AdminForms.PostAsync(admin, "/admin/publishing", "/admin/publishing?handler=Publish", ("unit", unit), ("quarter", WorkspaceSteps.CurrentQuarter()));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The receiver's check, written here independently of the app's signer.</summary>
    private static bool SignatureHolds(string secret, Received r)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{r.Timestamp}.{r.Body}"));
        var age = Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(r.Timestamp!, System.Globalization.CultureInfo.InvariantCulture));
        return r.Signature == "v1=" + Convert.ToHexStringLower(mac) && age <= 300;
    }

    [Fact]
    public async Task A_publication_reaches_the_receiver_signed_with_its_id_and_dates_only()
    {
        var (admin, secret) = await RegisterAsync(_receiver.Path("signed"), WebhookEvents.PublicationPublished);
        await PublishAsync(admin);
        var received = Assert.Single(await _receiver.WaitForAsync("signed", 1));
        Assert.True(SignatureHolds(secret, received), "the signature does not verify");
        Assert.False(SignatureHolds("another-secret-entirely-000000", received));
        Assert.False(SignatureHolds(secret, received with { Body = received.Body.Replace("VQ-AS", "VQ-TT") }));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(received.Id, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("publication.published", body.RootElement.GetProperty("event").GetString());
        Assert.Equal(received.Event, body.RootElement.GetProperty("event").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", body.RootElement.GetProperty("date").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal("VQ-AS", data.GetProperty("unit").GetString());
        Assert.Equal(WorkspaceSteps.CurrentQuarter(), data.GetProperty("quarter").GetString());
        Assert.DoesNotMatch(TimeOfDay(), received.Body);

        // The admin page shows it delivered, with its attempt.
        var page = await AdminForms.HtmlAsync(await admin.GetAsync("/admin/webhooks"));
        Assert.Matches($"data-delivery=\"{received.Id}\"[\\s\\S]*?Đã gửi[\\s\\S]*?· 200", page);
    }

    [Fact]
    public async Task A_failing_receiver_gets_retries_with_the_same_delivery_until_it_answers()
    {
        var (admin, secret) = await RegisterAsync(_receiver.Path("flaky", n => (n <= 2 ? 500 : 204, TimeSpan.Zero)), WebhookEvents.PublicationPublished);
        await PublishAsync(admin, "VQ-TT");
        var received = await _receiver.WaitForAsync("flaky", 3);
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Id).Distinct());
        Assert.Single(received.Select(r => r.Body).Distinct());
        Assert.All(received, r => Assert.True(SignatureHolds(secret, r)));
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromSeconds(0.15), "the retry did not wait");

        var id = Guid.Parse(received[0].Id!);
        var delivery = await WaitAsync(() => factory.WithDatabase(db => db.WebhookDeliveries.Single(d => d.Id == id)), d => d.Status == WebhookDeliveryStatus.Delivered);
        Assert.Equal(3, delivery.Attempts);
        var attempts = factory.WithDatabase(db => db.WebhookAttempts.Where(a => a.DeliveryId == id).OrderBy(a => a.Id).ToList());
        Assert.Equal([500, 500, 204], attempts.Select(a => a.StatusCode));
        await Task.Delay(500);
        Assert.Equal(3, _receiver.At("flaky").Count);   // nothing after the success
        var page = await AdminForms.HtmlAsync(await admin.GetAsync("/admin/webhooks"));
        Assert.Matches($"data-delivery=\"{id}\"[\\s\\S]*?HTTP 500[\\s\\S]*?HTTP 500[\\s\\S]*?· 204", page);
    }

    [Fact]
    public async Task A_slow_receiver_is_not_sent_the_same_delivery_twice()
    {
        var (admin, _) = await RegisterAsync(_receiver.Path("slow", _ => (200, TimeSpan.FromSeconds(2))), WebhookEvents.PublicationPublished);
        await PublishAsync(admin, "VQ-VP");
        var first = Assert.Single(await _receiver.WaitForAsync("slow", 1));
        var id = Guid.Parse(first.Id!);
        await WaitAsync(() => factory.WithDatabase(db => db.WebhookDeliveries.Single(d => d.Id == id)), d => d.Status == WebhookDeliveryStatus.Delivered);
        await Task.Delay(1000);   // ten more polls
        Assert.Single(_receiver.At("slow"));
        Assert.Equal(1, factory.WithDatabase(db => db.WebhookAttempts.Count(a => a.DeliveryId == id)));
    }

    [Fact]
    public async Task Alerts_and_cases_carry_unit_date_rating_and_case_id_never_the_comment()
    {
        const string comment = "Cán bộ thái độ rất kém, chờ cả buổi sáng";
        var (admin, secret) = await RegisterAsync(_receiver.Path("workspace"), WebhookEvents.AlertRaised, WebhookEvents.CaseOpened, WebhookEvents.CaseAnswered);
        await WorkspaceSteps.PostNhanhAsync(factory, "VQ-AS-Q1", 1, comment);
        using (var scope = factory.Services.CreateScope())
            Assert.NotEmpty(await scope.ServiceProvider.GetRequiredService<AlertScanner>().ScanAsync(CancellationToken.None));
        var alert = Assert.Single(await _receiver.WaitForAsync("workspace", 1));
        Assert.Equal("alert.raised", alert.Event);
        using (var body = JsonDocument.Parse(alert.Body))
        {
            var data = body.RootElement.GetProperty("data");
            Assert.Equal("low-rating", data.GetProperty("kind").GetString());
            Assert.Equal("VQ-AS", data.GetProperty("unit").GetString());
            Assert.Equal(1, data.GetProperty("rating").GetInt32());
            Assert.Equal("NHANH", data.GetProperty("instrument").GetString());
        }

        var comments = await admin.GetStringAsync("/dashboard/comments");
        var responseRef = WorkspaceSteps.ResponseRefOf(System.Net.WebUtility.HtmlDecode(comments), comment);
        var opened = await AdminForms.PostAsync(admin, "/dashboard/comments", "/dashboard/cases?handler=Open", ("responseId", responseRef));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var caseUrl = opened.Headers.Location!.OriginalString;
        var answered = await AdminForms.PostAsync(admin, caseUrl, caseUrl, ("Status", "Answered"), ("AssigneeId", ""), ("PublicAnswer", "Đã nhắc nhở cán bộ."), ("Note", ""));
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);

        var all = await _receiver.WaitForAsync("workspace", 3);
        Assert.Equal(["alert.raised", "case.opened", "case.answered"], all.Select(r => r.Event));
        var caseId = int.Parse(caseUrl.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var r in all)
        {
            Assert.True(SignatureHolds(secret, r));
            Assert.DoesNotContain("thái độ", r.Body);
            Assert.DoesNotContain("chờ cả buổi", r.Body);
            Assert.DoesNotContain("nhắc nhở", r.Body);
            Assert.DoesNotMatch(TimeOfDay(), r.Body);
        }
        using (var body = JsonDocument.Parse(all[1].Body))
        {
            var data = body.RootElement.GetProperty("data");
            Assert.Equal(caseId, data.GetProperty("case").GetInt32());
            Assert.Equal(1, data.GetProperty("rating").GetInt32());
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", data.GetProperty("due").GetString());
        }
        using (var body = JsonDocument.Parse(all[2].Body))
            Assert.Equal(caseId, body.RootElement.GetProperty("data").GetProperty("case").GetInt32());
    }

    [Fact]
    public async Task A_webhook_added_by_an_administrator_is_audited_and_a_bad_one_changes_nothing()
    {
        var url = _receiver.Path("audited");
        await RegisterAsync(url, WebhookEvents.CaseOpened);
        var entry = factory.WithDatabase(db => db.AuditEntries.Where(a => a.Action == "webhook-create" && a.Target == url).ToList());
        Assert.Equal(SurveyAppFactory.AdminEmail, Assert.Single(entry).Actor);
        var stored = factory.WithDatabase(db => db.WebhookSubscriptions.Single(s => s.Url == url));
        Assert.DoesNotContain("test-secret-", stored.ProtectedSecret);

        var admin = await AdminForms.AdminAsync(factory);
        var before = factory.WithDatabase(db => db.WebhookSubscriptions.Count());
        foreach (var (bad, events) in new[] { ("http://example.org/hook", "case.opened"), ("ftp://127.0.0.1/x", "case.opened"), (url, "case.deleted"), (url, "") })
        {
            var response = await AdminForms.PostAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Create", ("ReceiverUrl", bad), ("Events", events));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        Assert.Equal(before, factory.WithDatabase(db => db.WebhookSubscriptions.Count()));

        // Left empty, the secret is drawn by the platform and shown once.
        var drawn = await AdminForms.PostAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Create", ("ReceiverUrl", _receiver.Path("drawn")), ("Events", "case.opened"));
        Assert.Matches("id=\"new-secret\">whsec_[A-Za-z0-9_-]{43}<", await drawn.Content.ReadAsStringAsync());
        Assert.DoesNotContain("whsec_", await admin.GetStringAsync("/admin/webhooks"));

        var id = factory.WithDatabase(db => db.WebhookSubscriptions.Single(s => s.Url == url).Id);
        var deleted = await AdminForms.PostAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Delete", ("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Single(factory.WithDatabase(db => db.AuditEntries.Where(a => a.Action == "webhook-delete" && a.Target == url).ToList()));
    }

    private static async Task<T> WaitAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var value = read();
        while (!done(value) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
            value = read();
        }
        Assert.True(done(value), $"not reached: {value}");
        return value;
    }

    /// <summary>A clock time (HH:mm) anywhere in a body: deliveries carry dates only.</summary>
    [GeneratedRegex(@"\d{2}:\d{2}")]
    private static partial Regex TimeOfDay();

    [Fact]
    public async Task A_plan_task_that_passes_its_deadline_undone_is_announced_once()
    {
        var (_, secret) = await RegisterAsync(_receiver.Path("plans"), WebhookEvents.PlanTaskOverdue);
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddDays(-1);
        var code = "WH-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        factory.WithDatabase(db =>
        {
            var criterion = db.PlanCriteria.OrderBy(c => c.Id).First();
            var unit = db.Units.Single(u => u.Code == "VQ-AS");
            var task = new PlanTask { CriterionId = criterion.Id, Code = code, Title = "Số hoá hồ sơ tồn đọng", LeadText = "UBND xã An Sơn", Deadline = yesterday };
            db.PlanTasks.Add(task);
            db.SaveChanges();
            db.PlanTaskUnits.Add(new PlanTaskUnit { TaskId = task.Id, UnitId = unit.Id });
            return db.SaveChanges();
        });

        using (var scope = factory.Services.CreateScope())
        {
            var reminders = scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Plans.PlanReminders>();
            Assert.Equal(1, await reminders.StageOverdueEventsAsync(CancellationToken.None));
            Assert.Equal(0, await reminders.StageOverdueEventsAsync(CancellationToken.None));   // once, not on every scan
        }
        var received = Assert.Single(await _receiver.WaitForAsync("plans", 1));
        Assert.True(SignatureHolds(secret, received));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal(WebhookEvents.PlanTaskOverdue, body.RootElement.GetProperty("event").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(code, data.GetProperty("task").GetString());
        Assert.Equal(yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), data.GetProperty("deadline").GetString());
        Assert.Equal(["VQ-AS"], data.GetProperty("lead").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotMatch(@"T\d\d:\d\d", received.Body);
    }
}
