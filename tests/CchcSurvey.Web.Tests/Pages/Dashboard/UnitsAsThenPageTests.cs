using System.Net;
using CchcSurvey.Web.Tests.Indices;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;

namespace CchcSurvey.Web.Tests.Pages.Dashboard;

/// <summary>
/// The switch "Đơn vị theo: tổ chức hiện nay / tại thời điểm đó" (<c>units=now|then</c>) on the dashboard and the report,
/// and the report's Word file following it: 2024 after the demo's 2025 crosswalk.
/// </summary>
public sealed class UnitsAsThenPageTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static readonly HashSet<string> SeededDatabases = [];

    private async Task<HttpClient> AdminAsync()
    {
        await Seeded.WaitAsync();
        try
        {
            if (SeededDatabases.Add(factory.DatabaseFile))
            {
                await AsThenData.ImportAsync(factory, AsThenData.March2024.SelectMany(r => AsThenData.Ratings(r.Unit, r.Unit + "-Q1", "2024-03", r.N, r.Satisfied)));
                await AsThenData.ReorganiseAsync(factory);
            }
        }
        finally
        {
            Seeded.Release();
        }
        return await AdminForms.AdminAsync(factory);
    }

    private const string Year2024 = "/dashboard?unit=LS&from=2024-01-01&to=2024-12-31&instrument=NHANH";

    [Fact]
    public async Task The_dashboard_lists_the_old_communes_then_and_the_new_ones_now()
    {
        var admin = await AdminAsync();
        var then = await admin.GetStringAsync(Year2024 + "&units=then");
        Assert.Contains("<option value=\"then\" selected=\"selected\">", then);
        Assert.Contains("unit=VQ-KK&amp;", then);
        Assert.Contains("unit=VQ-DG&amp;", then);
        Assert.DoesNotContain("unit=LS-KK&amp;", then);
        Assert.Contains("data-merged-into=\"LS-KK\"", then);
        Assert.Contains("đã sáp nhập vào Xã Khánh Khê", then);
        // Drilling down keeps the view.
        Assert.Contains("units=then", then[then.IndexOf("unit=VQ-KK&amp;", StringComparison.Ordinal)..][..400]);

        var now = await admin.GetStringAsync(Year2024);
        Assert.Contains("unit=LS-KK&amp;", now);
        Assert.DoesNotContain("unit=VQ-KK&amp;", now);
        Assert.Contains("<option value=\"now\" selected=\"selected\">", now);

        // After the reorganisation both views are the same page.
        var after = "/dashboard?unit=LS&from=2026-01-01&to=2026-12-31&instrument=NHANH";
        Assert.Equal(Rows(await admin.GetStringAsync(after)), Rows(await admin.GetStringAsync(after + "&units=then")));

        var bad = await admin.GetAsync(Year2024 + "&units=later");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("units", await bad.Content.ReadAsStringAsync());
    }

    /// <summary>The units linked from a dashboard page, in order.</summary>
    private static List<string> Rows(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "href=\"/dashboard\\?unit=([A-Z0-9-]+)&amp;").Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public async Task The_report_and_its_word_file_follow_the_switch()
    {
        var admin = await AdminAsync();
        var then = await admin.GetStringAsync("/dashboard/report?unit=LS&quarter=2024-Q1&units=then");
        Assert.Contains("data-rank-unit=\"VQ-KK\"", then);
        Assert.DoesNotContain("data-rank-unit=\"LS-KK\"", then);
        Assert.Contains("(đã sáp nhập vào Xã Khánh Khê)", then);
        Assert.Contains("<input type=\"hidden\" name=\"units\" value=\"then\" />", then);
        var now = await admin.GetStringAsync("/dashboard/report?unit=LS&quarter=2024-Q1");
        Assert.Contains("data-rank-unit=\"LS-KK\"", now);
        Assert.DoesNotContain("data-rank-unit=\"VQ-KK\"", now);

        var docx = await AdminForms.PostAsync(admin, "/dashboard/report?unit=LS&quarter=2024-Q1&units=then", "/dashboard/report?handler=Docx",
            ("unit", "LS"), ("quarter", "2024-Q1"), ("units", "then"), ("Findings", "Nhận xét."));
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        using var document = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false);
        var text = document.MainDocumentPart!.Document!.Body!.InnerText;
        Assert.Contains("(đã sáp nhập vào Xã Khánh Khê)", text);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/dashboard/report?unit=LS&quarter=2024-Q1&units=later")).StatusCode);
    }
}
