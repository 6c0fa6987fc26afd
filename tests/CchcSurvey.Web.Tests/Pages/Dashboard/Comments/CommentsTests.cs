using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Comments;

/// <summary>/dashboard/comments: scope, who may change a comment's state, and safe rendering of citizens' text.</summary>
public sealed class CommentsTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task A_comment_is_listed_for_an_official_in_scope_and_is_absent_or_404_for_a_sibling_communes_official()
    {
        var text = $"Cán bộ hướng dẫn chưa rõ {Guid.NewGuid():N}";
        await PostNhanhAsync(factory, "VQ-AS-Q1", 2, text);

        var inScope = await OfficialAsync(factory, "viewer", "VQ-AS");
        var html = await inScope.GetStringAsync("/dashboard/comments");
        Assert.Contains(text, html, StringComparison.Ordinal);
        Assert.Contains("Xã An Sơn", html, StringComparison.Ordinal);
        Assert.Contains("data-rating=\"2\"", html, StringComparison.Ordinal);

        var district = await OfficialAsync(factory, "viewer", "VQ");
        Assert.Contains(text, await district.GetStringAsync("/dashboard/comments?unit=VQ-AS"), StringComparison.Ordinal);

        var sibling = await OfficialAsync(factory, "viewer", "VQ-BP");
        Assert.DoesNotContain(text, await sibling.GetStringAsync("/dashboard/comments"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await sibling.GetAsync("/dashboard/comments?unit=VQ-AS")).StatusCode);
    }

    [Fact]
    public async Task A_viewer_cannot_mark_a_comment_handled_but_a_manager_can()
    {
        var text = $"Phải chờ quá lâu {Guid.NewGuid():N}";
        await PostNhanhAsync(factory, "VQ-HB-Q1", 1, text);

        var viewer = await OfficialAsync(factory, "viewer", "VQ-HB");
        var page = await viewer.GetStringAsync("/dashboard/comments");
        var reference = ResponseRefOf(page, text);
        var id = ResponseIdOf(factory, reference);
        Assert.Contains("<button type=\"submit\" disabled", page, StringComparison.Ordinal);
        var refused = await PostFormAsync(viewer, "/dashboard/comments?handler=Handled", page,
            ("id", reference), ("handled", "true"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(factory.WithDatabase(db => db.CommentNotes.Any(n => n.ResponseId == id && n.Handled)));

        var manager = await OfficialAsync(factory, "manager", "VQ-HB");
        var managerPage = await manager.GetStringAsync("/dashboard/comments");
        var done = await PostFormAsync(manager, "/dashboard/comments?handler=Handled", managerPage, ("id", reference), ("handled", "true"));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var tagged = await PostFormAsync(manager, "/dashboard/comments?handler=Tags", managerPage, ("id", reference), ("tags", "Chờ lâu, thái độ"));
        Assert.Equal(HttpStatusCode.Redirect, tagged.StatusCode);
        Assert.True(factory.WithDatabase(db => db.CommentNotes.Any(n => n.ResponseId == id && n.Handled && n.Tags == ",chờ lâu,thái độ,")));

        Assert.Contains(text, await manager.GetStringAsync("/dashboard/comments?state=handled&tag=ch%E1%BB%9D%20l%C3%A2u"), StringComparison.Ordinal);
        Assert.DoesNotContain(text, await manager.GetStringAsync("/dashboard/comments?state=open"), StringComparison.Ordinal);

        // A manager of another commune cannot reach it: 404.
        await PostNhanhAsync(factory, "VQ-BP-Q1", 2, "Góp ý ở xã khác");   // so that their page has a form (and a token)
        var other = await OfficialAsync(factory, "manager", "VQ-BP");
        var otherPage = await other.GetStringAsync("/dashboard/comments");
        Assert.Equal(HttpStatusCode.NotFound, (await PostFormAsync(other, "/dashboard/comments?handler=Handled", otherPage, ("id", reference), ("handled", "false"))).StatusCode);
    }

    [Fact]
    public async Task A_formula_or_markup_comment_is_shown_html_encoded()
    {
        var marker = Guid.NewGuid().ToString("N");
        var text = $"=HYPERLINK(\"http://x\") <script>alert('{marker}')</script> <b onmouseover=x>";
        await PostNhanhAsync(factory, "VQ-DG-Q1", 2, text);

        var html = await (await OfficialAsync(factory, "viewer", "VQ-DG")).GetStringAsync("/dashboard/comments");
        Assert.Contains(marker, html, StringComparison.Ordinal);
        Assert.DoesNotContain($"<script>alert('{marker}')", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b onmouseover", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=\"", html, StringComparison.Ordinal);
    }
}
