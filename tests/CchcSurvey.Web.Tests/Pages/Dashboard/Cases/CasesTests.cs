using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Pages.Dashboard.Cases;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Workspace;
using Microsoft.EntityFrameworkCore;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Cases;

public sealed class WorkingDaysTests
{
    private static readonly HashSet<DateOnly> NoHolidays = [];

    [Theory]
    [InlineData("2026-11-27", 15, "2026-12-18")] // Friday: three whole weeks of working days
    [InlineData("2026-11-28", 1, "2026-11-30")]  // Saturday → Monday
    [InlineData("2026-11-23", 4, "2026-11-27")]  // within one week
    [InlineData("2026-11-23", 5, "2026-11-30")]  // over a weekend
    [InlineData("2026-11-23", 0, "2026-11-23")]
    public void Due_dates_skip_weekends(string start, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), WorkingDays.Add(DateOnly.Parse(start), days, NoHolidays));

    [Fact]
    public void Configured_holidays_are_skipped_like_weekends()
    {
        var options = new CaseOptions { Holidays = ["2026-12-02", "not a date", "2026-12-19"] };
        Assert.Equal(new DateOnly(2026, 12, 21), CaseRules.DueDate(new DateOnly(2026, 11, 27), options));
    }

    [Fact]
    public void A_case_is_overdue_after_its_due_date_until_answered()
    {
        var due = new DateOnly(2026, 12, 18);
        Assert.False(CaseRules.IsOverdue(CchcSurvey.Web.Data.CaseStatus.Open, due, due));
        Assert.True(CaseRules.IsOverdue(CchcSurvey.Web.Data.CaseStatus.InProgress, due, due.AddDays(1)));
        Assert.False(CaseRules.IsOverdue(CchcSurvey.Web.Data.CaseStatus.Answered, due, due.AddDays(1)));
    }
}

/// <summary>/dashboard/cases: opened from a comment by a manager, read-only for viewers, overdue highlighted.</summary>
public sealed class CasesTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task A_manager_opens_a_case_from_a_comment_a_viewer_cannot_change_it_and_an_overdue_case_is_highlighted()
    {
        var text = $"Hồ sơ bị trả lại nhiều lần {Guid.NewGuid():N}";
        await PostNhanhAsync(factory, "VQ-TN-Q1", 1, text);
        var manager = await OfficialAsync(factory, "manager", "VQ-TN");
        var comments = await manager.GetStringAsync("/dashboard/comments");
        var responseId = ResponseRefOf(comments, text);

        var viewer = await OfficialAsync(factory, "viewer", "VQ-TN");
        var viewerPage = await viewer.GetStringAsync("/dashboard/comments");   // a page with the viewer's antiforgery token
        Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync(viewer, "/dashboard/cases?handler=Open", viewerPage, ("responseId", responseId))).StatusCode);

        var opened = await PostFormAsync(manager, "/dashboard/cases?handler=Open", comments, ("responseId", responseId));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var location = opened.Headers.Location!.OriginalString;
        var id = int.Parse(Regex.Match(location, "/dashboard/cases/(\\d+)$").Groups[1].Value);
        var saved = factory.WithDatabase(db => db.Cases.AsNoTracking().Single(c => c.Id == id));
        Assert.True(WorkingDays.IsWorkingDay(saved.DueDate, new HashSet<DateOnly>()));
        Assert.Equal(CchcSurvey.Web.Data.CaseStatus.Open, saved.Status);

        var detail = await viewer.GetStringAsync(location);
        Assert.Contains(text, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"PublicAnswer\"", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync(viewer, location, viewerPage, ("Status", "Answered"))).StatusCode);

        var managerDetail = await manager.GetStringAsync(location);
        var updated = await PostFormAsync(manager, location, managerDetail, ("Status", "InProgress"), ("Note", "Đã chuyển bộ phận đất đai"), ("AssigneeId", ""));
        Assert.Equal(HttpStatusCode.Redirect, updated.StatusCode);
        Assert.Contains("Đã chuyển bộ phận đất đai", await manager.GetStringAsync(location), StringComparison.Ordinal);

        // Not overdue now; three weeks later (due date moved into the past) it is highlighted.
        Assert.Matches($"<tr data-case=\"{id}\">", await manager.GetStringAsync("/dashboard/cases"));
        factory.WithDatabase(db => db.Cases.Where(c => c.Id == id).ExecuteUpdate(s => s.SetProperty(c => c.DueDate, c => c.DueDate.AddDays(-40))));
        var list = await manager.GetStringAsync("/dashboard/cases");
        Assert.Contains($"<tr data-case=\"{id}\" class=\"overdue\">", list, StringComparison.Ordinal);
        Assert.Contains("quá hạn", list, StringComparison.Ordinal);
        Assert.DoesNotContain("style=\"", list, StringComparison.Ordinal);

        // Outside the scope: 404.
        var sibling = await OfficialAsync(factory, "manager", "VQ-TC");
        Assert.Equal(HttpStatusCode.NotFound, (await sibling.GetAsync(location)).StatusCode);
        Assert.DoesNotContain($"data-case=\"{id}\"", await sibling.GetStringAsync("/dashboard/cases"), StringComparison.Ordinal);
    }
}
