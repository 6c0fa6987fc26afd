using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Comments;

/// <summary>The app with SMTP "configured" and a fake sender that records the messages.</summary>
public sealed class AlertAppFactory : SurveyAppFactory
{
    public FakeAlertSender Sender { get; } = new();

    public AlertAppFactory()
    {
        ExtraSettings["Smtp:Host"] = "smtp.example.invalid";
        ExtraSettings["Alerts:Enabled"] = "false";
        ExtraSettings["Alerts:WeeklyShareThreshold"] = "70";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IAlertSender>(Sender));
    }
}

public sealed class FakeAlertSender : IAlertSender
{
    public List<AlertEmail> Sent { get; } = [];

    public Task SendAsync(AlertEmail email, CancellationToken ct)
    {
        lock (Sent) Sent.Add(email);
        return Task.CompletedTask;
    }
}

/// <summary>Alerts: raised by the scanner (called directly), listed and acknowledged on /dashboard/alerts, e-mailed to managers.</summary>
public sealed class AlertsTests(AlertAppFactory factory) : IClassFixture<AlertAppFactory>
{
    private async Task<IReadOnlyList<Alert>> ScanAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AlertScanner>().ScanAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_low_rating_with_a_comment_raises_one_alert_which_is_emailed_to_the_communes_manager_and_acknowledged()
    {
        var manager = await OfficialAsync(factory, "manager", "VQ-LH");
        var managerEmail = factory.WithDatabase(db => db.Users.Single(u => u.Email!.StartsWith("manager-") && u.ScopeUnit!.Code == "VQ-LH").Email!);
        await PostNhanhAsync(factory, "VQ-LH-Q1", 4);            // no alert: satisfied
        await PostNhanhAsync(factory, "VQ-LH-Q1", 2);            // no alert: no comment
        await PostNhanhAsync(factory, "VQ-LH-Q1", 1, "Thái độ không tốt");

        var raised = await ScanAsync();
        var alert = Assert.Single(raised, a => a.Kind == AlertKinds.LowRating);
        var unitId = factory.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-LH").Id);
        Assert.Equal(unitId, alert.UnitId);
        Assert.Empty(await ScanAsync());   // idempotent

        var mail = Assert.Single(factory.Sender.Sent, m => m.To.Contains(managerEmail));
        Assert.Contains("Đánh giá thấp", mail.Subject, StringComparison.Ordinal);
        Assert.NotNull(factory.WithDatabase(db => db.Alerts.Single(a => a.Id == alert.Id).EmailedUtc));

        var page = await manager.GetStringAsync("/dashboard/alerts");
        var alertRef = RefOf(factory, CchcSurvey.Web.Security.OpaqueKind.Alert, alert.Id);
        Assert.Contains($"data-alert=\"{alertRef}\"", page, StringComparison.Ordinal);
        Assert.Contains("data-open-alerts=", page, StringComparison.Ordinal);
        var viewer = await OfficialAsync(factory, "viewer", "VQ-LH");
        var viewerPage = await viewer.GetStringAsync("/dashboard/comments");   // a page with the viewer's antiforgery token
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await PostFormAsync(viewer, "/dashboard/alerts?handler=Acknowledge", viewerPage, ("id", alertRef))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await PostFormAsync(manager, "/dashboard/alerts?handler=Acknowledge", page, ("id", alertRef))).StatusCode);
        Assert.DoesNotContain($"data-alert=\"{alertRef}\"", await manager.GetStringAsync("/dashboard/alerts"), StringComparison.Ordinal);

        // Another commune's official never sees it.
        await PostNhanhAsync(factory, "VQ-LN-Q1", 3, "Góp ý ở xã khác");   // so that their page has a form (and a token)
        var sibling = await OfficialAsync(factory, "manager", "VQ-LN");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await PostFormAsync(sibling, "/dashboard/alerts?handler=Acknowledge",
            await sibling.GetStringAsync("/dashboard/comments"), ("id", alertRef))).StatusCode);
    }

    [Fact]
    public async Task A_weekly_share_below_the_threshold_raises_an_alert_only_from_MinN_responses()
    {
        var unitId = factory.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-TD").Id);
        for (var i = 0; i < 5; i++) await PostNhanhAsync(factory, "VQ-TD-Q1", 5);
        for (var i = 0; i < 4; i++) await PostNhanhAsync(factory, "VQ-TD-Q1", 3);
        Assert.DoesNotContain(await ScanAsync(), a => a.Kind == AlertKinds.WeeklyShare && a.UnitId == unitId);   // n = 9 < MinN

        await PostNhanhAsync(factory, "VQ-TD-Q1", 3);   // n = 10, 5 of 10 satisfied: 50% < 70%
        var alert = Assert.Single(await ScanAsync(), a => a.Kind == AlertKinds.WeeklyShare && a.UnitId == unitId);
        Assert.Contains("NHANH", alert.Message, StringComparison.Ordinal);
        Assert.Contains("50,0%", alert.Message, StringComparison.Ordinal);
        Assert.Equal(DayOfWeek.Monday, alert.WeekStart.DayOfWeek);
        Assert.True(factory.WithDatabase(db => db.Alerts.Count(a => a.Kind == AlertKinds.WeeklyShare && a.UnitId == unitId)) == 1);
    }
}
