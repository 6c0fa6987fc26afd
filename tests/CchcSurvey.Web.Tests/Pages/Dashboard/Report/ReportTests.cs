using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Pages.Report;

/// <summary>/dashboard/report: the quarterly report of a unit, printable, within the official's scope.</summary>
public sealed class ReportTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task The_report_for_VQ_has_the_indices_ranking_and_chart_and_prints_on_A4()
    {
        for (var i = 0; i < 9; i++) await PostNhanhAsync(factory, "VQ-KK-Q1", 5);
        await PostNhanhAsync(factory, "VQ-KK-Q1", 2);
        for (var i = 0; i < 10; i++) await PostNhanhAsync(factory, "VQ-LN-Q1", 4);
        var admin = await AdminAsync(factory);
        var response = await admin.GetAsync($"/dashboard/report?unit=VQ&quarter={CurrentQuarter()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("Báo cáo kết quả đo lường sự hài lòng", html, StringComparison.Ordinal);
        Assert.Contains("Huyện Văn Quan", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"SIPAS-DV\"", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"NHANH\"", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"TT01\"", html, StringComparison.Ordinal);
        Assert.Contains("95,0%", html, StringComparison.Ordinal);              // 19 of 20 NHANH ratings satisfied
        Assert.Contains("data-rank-unit=\"VQ-LN\"", html, StringComparison.Ordinal);
        Assert.Contains("data-rank-unit=\"VQ-KK\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\"", html, StringComparison.Ordinal);
        Assert.Contains("Chờ lâu", html, StringComparison.Ordinal);   // LY_DO reasons are listed once NHANH n ≥ MinN
        Assert.Contains("THỦ TRƯỞNG ĐƠN VỊ", html, StringComparison.Ordinal);
        Assert.Contains("/css/workspace.css", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=\"", html, StringComparison.Ordinal);

        var css = await admin.GetStringAsync("/css/workspace.css");
        Assert.Contains("@media print", css, StringComparison.Ordinal);
        Assert.Contains("size: A4", css, StringComparison.Ordinal);
        Assert.Contains("break-before: page", css, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_prints_and_downloads_the_findings_as_edited_with_the_change_and_the_target()
    {
        for (var i = 0; i < 2; i++) await PostNhanhAsync(factory, "VQ-KK-Q1", 5);
        var citizen = factory.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            var sent = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(citizen, "/api/v1/responses", new
            {
                submissionId = Guid.NewGuid(), counter = "VQ-KK-Q1", instrument = "NHANH", channel = "qr",
                answers = new Dictionary<string, object> { ["HL"] = 2, ["LY_DO"] = i < 7 ? new[] { "cho_lau" } : new[] { "khac", "phi" } },
            });
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }
        var admin = await AdminAsync(factory);
        var page = await admin.GetAsync($"/dashboard/report?unit=VQ&quarter={CurrentQuarter()}");
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        // "In" and "Tải Word"; the method in Vietnamese words, not a pointer to an English document.
        Assert.Matches("<button type=\"button\" class=\"primary\" data-print>In</button>", html);
        Assert.Matches("<button type=\"submit\" class=\"primary\" form=\"findings-form\">Tải Word</button>", html);
        Assert.DoesNotContain("methodology.md", html);
        Assert.DoesNotContain("How CchcSurvey", html);
        Assert.Contains("Khoảng tin cậy 95% cho biết", html);
        // The previous quarter and the target beside the figures; quarters picked whole.
        Assert.Contains("Quý trước (", html);
        Assert.Contains("dưới mục tiêu 90%", html);   // 2 of 12 NHANH ratings satisfied
        Assert.Matches($"<option value=\"{CurrentQuarter()}\" selected=\"selected\">", html);
        // The findings are drafted from the figures, in an editable box.
        var draft = System.Text.RegularExpressions.Regex.Match(html, "<textarea id=\"findings\"[^>]*>([^<]*)</textarea>").Groups[1].Value;
        Assert.Contains("Lý do chưa hài lòng được nêu nhiều nhất: Chờ lâu", draft);
        // Reasons: most frequent first, "khác" last whatever its count.
        var reasons = html[html.IndexOf("Lý do chưa hài lòng (NHANH", StringComparison.Ordinal)..];
        Assert.True(reasons.IndexOf("Chờ lâu", StringComparison.Ordinal) < reasons.IndexOf("Lý do khác", StringComparison.Ordinal));
        Assert.Contains("Xã Khánh Khê", draft);
        Assert.Contains("dưới mục tiêu 90,0%", draft);

        // The edited text goes into the Word file; nothing is stored.
        var audit = factory.WithDatabase(db => db.AuditEntries.Count());
        const string edited = "Cần bố trí thêm ghế chờ tại Bộ phận Một cửa.\nGiao Văn phòng theo dõi.";
        var docx = await AdminForms.PostAsync(admin, $"/dashboard/report?unit=VQ&quarter={CurrentQuarter()}", "/dashboard/report?handler=Docx",
            ("unit", "VQ"), ("quarter", CurrentQuarter()), ("Findings", edited));
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.Content.Headers.ContentType?.MediaType);
        using var document = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false);
        var paragraphs = document.MainDocumentPart!.Document!.Body!.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText).ToList();
        Assert.Contains("Cần bố trí thêm ghế chờ tại Bộ phận Một cửa.", paragraphs);
        Assert.Contains("Giao Văn phòng theo dõi.", paragraphs);
        Assert.Equal(audit, factory.WithDatabase(db => db.AuditEntries.Count()));

        var tooLong = await AdminForms.PostAsync(admin, $"/dashboard/report?unit=VQ", "/dashboard/report?handler=Docx",
            ("unit", "VQ"), ("quarter", CurrentQuarter()), ("Findings", new string('x', 20_001)));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Theory]
    [InlineData("/dashboard/report?unit=VQ", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/report?unit=VQ-BP", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/report?unit=NOPE", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/report?unit=VQ-AS", HttpStatusCode.OK)]
    [InlineData("/dashboard/report", HttpStatusCode.OK)]
    [InlineData("/dashboard/report?unit=VQ-AS&quarter=2026-Q5", HttpStatusCode.BadRequest)]
    public async Task A_commune_official_gets_only_their_communes_report(string url, HttpStatusCode expected)
    {
        var client = await OfficialAsync(factory, "viewer", "VQ-AS");
        Assert.Equal(expected, (await client.GetAsync(url)).StatusCode);
    }
}
