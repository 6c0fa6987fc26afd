using CchcSurvey.Web.Plans;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Comments;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Plans;

/// <summary>Deadline reminders and overdue notices through the alert e-mail path (fake sender), once each; nothing without SMTP.</summary>
public sealed class PlanRemindersTests(AlertAppFactory factory) : IClassFixture<AlertAppFactory>
{
    internal static async Task CreatePlanAsync(SurveyAppFactory factory, string code, string unit)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        string Day(int offset) => today.AddDays(offset).ToString("yyyy-MM-dd");
        using var scope = factory.Services.CreateScope();
        var (result, errors) = await scope.ServiceProvider.GetRequiredService<PlanService>().ImportAsync(null, "test",
            new PlanHeader(code, "Kế hoạch nhắc hạn", unit, today.Year, today.AddDays(-60), today.AddDays(60)),
            new StringReader("code,index,title,lead,implementers,target,measured_by\nC1,PAPI,Tiêu chí,Đơn vị,,,\n".Replace("Đơn vị", unit)),
            new StringReader($"criterion,code,title,lead,units,deadline\nC1,SOON,Sắp đến hạn,x,{unit},{Day(3)}\nC1,LATE,Vừa quá hạn,x,{unit},{Day(-1)}\nC1,FAR,Còn xa,x,{unit},{Day(30)}\nC1,OLD,Quá hạn lâu,x,{unit},{Day(-40)}\nC1,DONE,Đã xong,x,{unit},{Day(-1)}\n"),
            CancellationToken.None);
        Assert.True(result.Ok, string.Join("; ", errors));
        var db = scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Data.SurveyDbContext>();
        var done = db.PlanTasks.Single(t => t.Code == "DONE" && t.Criterion.Plan.Code == code);
        db.PlanTaskProgress.Add(new CchcSurvey.Web.Data.PlanTaskProgress { TaskId = done.Id, Status = CchcSurvey.Core.Plans.ProgressStatus.Done, Date = today.AddDays(-2), Author = "test" });
        await db.SaveChangesAsync();
    }

    private async Task<int> RemindAsync(SurveyAppFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PlanReminders>().SendAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Managers_of_the_lead_unit_are_reminded_before_the_deadline_and_told_once_when_it_passes()
    {
        await CreatePlanAsync(factory, "KH-NHAC", "VQ-LN");
        await WorkspaceSteps.OfficialAsync(factory, "manager", "VQ-LN");
        await WorkspaceSteps.OfficialAsync(factory, "viewer", "VQ-LN");
        await WorkspaceSteps.OfficialAsync(factory, "manager", "VQ-LH");
        lock (factory.Sender.Sent) factory.Sender.Sent.Clear();

        await RemindAsync(factory);
        List<CchcSurvey.Web.Workspace.AlertEmail> sent;
        lock (factory.Sender.Sent) sent = factory.Sender.Sent.Where(m => m.Subject.Contains("KH-NHAC")).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Contains(sent, m => m.Subject.Contains("Nhắc hạn") && m.Subject.EndsWith("SOON"));
        Assert.Contains(sent, m => m.Subject.Contains("quá hạn") && m.Subject.EndsWith("LATE"));
        Assert.All(sent, m => Assert.All(m.To, to => Assert.EndsWith("@vq-ln.vn", to)));
        Assert.All(sent, m => Assert.DoesNotContain(m.To, to => to.StartsWith("viewer-")));

        await RemindAsync(factory);
        lock (factory.Sender.Sent) Assert.Equal(2, factory.Sender.Sent.Count(m => m.Subject.Contains("KH-NHAC")));
    }
}

/// <summary>Without SMTP nothing is sent and nothing is marked, so reminders go out once it is configured.</summary>
public sealed class PlanRemindersWithoutSmtpTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task Nothing_is_sent_or_marked()
    {
        await PlanRemindersTests.CreatePlanAsync(factory, "KH-KHONG-SMTP", "VQ-LN");
        using var scope = factory.Services.CreateScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PlanReminders>().SendAsync(CancellationToken.None));
        Assert.False(factory.WithDatabase(db => db.PlanTasks.Any(t => t.ReminderSentUtc != null || t.OverdueNoticeSentUtc != null)));
    }
}
