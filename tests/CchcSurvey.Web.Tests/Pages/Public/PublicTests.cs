using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Public;

/// <summary>Publishing a unit-quarter and reading it anonymously on /public.</summary>
public sealed class PublicTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task A_published_quarter_shows_the_figures_with_enough_answers_hides_the_others_and_no_comment()
    {
        var secret = $"Góp ý nội bộ {Guid.NewGuid():N}";
        for (var i = 0; i < 9; i++) await PostNhanhAsync(factory, "VQ-DH-Q1", 5);
        await PostNhanhAsync(factory, "VQ-DH-Q1", 3, secret);
        // Another test of this class leaves one answer at VQ-TPH; with VQ-TPH below MinN and VQ-DH its only shown
        // sibling, VQ-DH would be hidden too (complementary suppression across units). Ten more keep it shown.
        for (var i = 0; i < 10; i++) await PostNhanhAsync(factory, "VQ-TPH-Q1", 4);
        var quarter = CurrentQuarter();

        var anonymous = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/public/VQ-DH/{quarter}")).StatusCode);

        // Viewers and managers are not administrators: the publishing page is not theirs.
        var manager = await OfficialAsync(factory, "manager", "VQ-DH");
        Assert.NotEqual(HttpStatusCode.OK, (await manager.GetAsync("/admin/publishing")).StatusCode);

        var admin = await AdminAsync(factory);
        var page = await admin.GetStringAsync("/admin/publishing");
        var published = await PostFormAsync(admin, "/admin/publishing?handler=Publish", page, ("unit", "VQ-DH"), ("quarter", quarter));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(admin, "/admin/publishing?handler=Publish", page, ("unit", "VQ-DH"), ("quarter", "2026-Q9"))).StatusCode);

        var list = await anonymous.GetStringAsync("/public");
        Assert.Contains($"/public/VQ-DH/{quarter}", list, StringComparison.Ordinal);

        var html = await anonymous.GetStringAsync($"/public/VQ-DH/{quarter}");
        Assert.Contains("Xã Điềm He", html, StringComparison.Ordinal);
        // NHANH: 9 of 10 satisfied, 90.0% with the Wilson interval [59.6–98.2].
        Assert.Contains("90,0%", html, StringComparison.Ordinal);
        Assert.Contains("[59,6–98,2]", html, StringComparison.Ordinal);
        // No SIPAS or TT01 answers: suppressed, and no small count is shown.
        Assert.Contains("chưa đủ dữ liệu", html, StringComparison.Ordinal);
        Assert.DoesNotContain("n=0", html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("site.css", html, StringComparison.Ordinal);

        // Frozen: a late response does not change the published page until it is published again.
        for (var i = 0; i < 10; i++) await PostNhanhAsync(factory, "VQ-DH-Q1", 1);
        Assert.Contains("90,0%", await anonymous.GetStringAsync($"/public/VQ-DH/{quarter}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_public_answer_of_an_answered_case_appears_but_not_the_comment_it_came_from()
    {
        var comment = $"Nhân viên đến muộn {Guid.NewGuid():N}";
        var answer = $"Đơn vị đã nhắc nhở và bố trí trực thay {Guid.NewGuid():N}";
        await PostNhanhAsync(factory, "VQ-TPH-Q1", 1, comment);
        var manager = await OfficialAsync(factory, "manager", "VQ-TPH");
        var comments = await manager.GetStringAsync("/dashboard/comments");
        var opened = await PostFormAsync(manager, "/dashboard/cases?handler=Open", comments, ("responseId", ResponseRefOf(comments, comment)));
        var location = opened.Headers.Location!.OriginalString;
        var detail = await manager.GetStringAsync(location);
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(manager, location, detail, ("Status", "Answered"), ("PublicAnswer", answer))).StatusCode);

        var admin = await AdminAsync(factory);
        var page = await admin.GetStringAsync("/admin/publishing");
        await PostFormAsync(admin, "/admin/publishing?handler=Publish", page, ("unit", "VQ-TPH"), ("quarter", CurrentQuarter()));

        var html = await factory.CreateClient().GetStringAsync($"/public/VQ-TPH/{CurrentQuarter()}");
        Assert.Contains(answer, html, StringComparison.Ordinal);
        Assert.DoesNotContain(comment, html, StringComparison.Ordinal);
    }
}
