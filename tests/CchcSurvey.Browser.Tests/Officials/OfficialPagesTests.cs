using System.Text;
using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CchcSurvey.Browser.Tests.Officials;

/// <summary>The demo organisation with a year of responses, so that the officials' pages have figures to show.</summary>
public sealed class OfficialsFixture : BrowserFixture
{
    protected override int DemoResponses => 3000;
}

/// <summary>
/// A commune head opens the dashboard for the first time at 1280×800: "Cần chú ý" is on the first screen, the menu
/// says where they are; on a phone (360 px) the menu folds into one button and opens without JavaScript. axe-core
/// finds no serious or critical violation on the officials' pages. Screenshots go to TestResults/screenshots.
/// </summary>
public sealed class OfficialPagesTests(OfficialsFixture fixture, ITestOutputHelper output) : IClassFixture<OfficialsFixture>
{
    private Task<IBrowserContext> LaptopAsync(bool bypassCsp = false) => fixture.Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = fixture.App.BaseUrl,
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        BypassCSP = bypassCsp,
        Locale = "vi-VN",
        TimezoneId = "Asia/Ho_Chi_Minh",
    });

    private async Task<string> FirstScreenAsync(IPage page, string name)
    {
        var path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    [SkippableFact]
    public async Task The_dashboards_first_screen_shows_what_needs_attention()
    {
        BrowserFixture.RequireChromium();
        await using var context = await LaptopAsync();
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        await page.GotoAsync("/dashboard");

        var strip = page.Locator("#needs-attention");
        await Assertions.Expect(strip).ToBeVisibleAsync();
        await Assertions.Expect(strip.Locator("h2")).ToContainTextAsync("Cần chú ý");
        // The whole strip fits the first screen: no scrolling needed at 1280×800.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.scrollY"));
        var box = (await strip.BoundingBoxAsync())!;
        Assert.True(box.Y + box.Height <= 800, $"the strip ends at {box.Y + box.Height}px, below the first screen");
        // One headline number with its interval, its target, and its change in words.
        await Assertions.Expect(page.Locator("#attention-headline .attention-figure")).ToHaveTextAsync(new Regex(@"^\d+,\d%\s+\[\d+,\d–\d+,\d\]$"));
        await Assertions.Expect(page.Locator("#attention-headline .attention-target")).ToContainTextAsync("mục tiêu");
        await Assertions.Expect(page.Locator("#attention-change")).ToContainTextAsync(new Regex("(tăng|giảm) [0-9,]+ điểm|không đổi|chưa đủ dữ liệu"));
        // Questions by their text; the code is only a hint beside it.
        var item = page.Locator("#attention-items li").First;
        var code = await item.GetAttributeAsync("data-item");
        Assert.False(string.IsNullOrEmpty(code));
        Assert.True((await item.InnerTextAsync()).Length > code!.Length + 20, await item.InnerTextAsync());
        // Each count links to its list; the method stays folded away.
        await Assertions.Expect(page.Locator("#attention-comments")).ToHaveAttributeAsync("href", new Regex("/dashboard/comments\\?.*low=true"));
        await Assertions.Expect(page.Locator("#attention-alerts")).ToHaveAttributeAsync("href", "/dashboard/alerts");
        await Assertions.Expect(page.Locator("#attention-cases")).ToHaveAttributeAsync("href", "/dashboard/cases?status=overdue");
        await Assertions.Expect(page.Locator(".attention-method > p")).Not.ToBeVisibleAsync();
        await FirstScreenAsync(page, "officials-dashboard-first-screen-1280x800");

        await page.Locator("#attention-cases").ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard/cases\\?status=overdue$"));
        await Assertions.Expect(page.Locator("select[name=status] option[value=overdue]")).ToHaveAttributeAsync("selected", "selected");
    }

    [SkippableFact]
    public async Task The_menu_is_grouped_marks_the_current_page_and_keeps_to_one_row()
    {
        BrowserFixture.RequireChromium();
        await using var context = await LaptopAsync();
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        await page.GotoAsync("/dashboard/comments");

        var groups = page.Locator(".menu-groups > details > summary, .menu-groups > a");
        Assert.Equal(["Số liệu", "Góp ý và xử lý", "Kế hoạch", "Báo cáo", "Quản trị"],
            (await groups.AllInnerTextsAsync()).Select(t => Regex.Replace(t, @"\s*\d+\s*cảnh báo đang mở", "").Trim()));
        // One row at 1280 px: the bar is no taller than one line of buttons.
        var bar = (await page.Locator("header.topbar").BoundingBoxAsync())!;
        Assert.True(bar.Height < 70, $"the menu bar is {bar.Height}px tall");
        // The account menu is at the right end.
        var account = (await page.Locator(".menu-end .account > summary").BoundingBoxAsync())!;
        Assert.True(account.X + account.Width > 1280 - 60, $"the account menu ends at {account.X + account.Width}px");

        await Assertions.Expect(page.Locator("details.menu-group.current > summary")).ToHaveTextAsync(new Regex("^Góp ý và xử lý"));
        await page.Locator("details.menu-group.current > summary").ClickAsync();
        var current = page.Locator("a[aria-current=page]");
        await Assertions.Expect(current).ToHaveCountAsync(1);
        await Assertions.Expect(current).ToHaveAttributeAsync("href", "/dashboard/comments");
        await Assertions.Expect(current).ToBeVisibleAsync();
        await FirstScreenAsync(page, "officials-menu-open-1280");

        // Opening another group closes this one (menu.js); the account menu holds sign-out as a form.
        await page.Locator(".menu-end .account > summary").ClickAsync();
        await Assertions.Expect(page.Locator("details.menu-group.current")).Not.ToHaveAttributeAsync("open", "");
        await Assertions.Expect(page.Locator(".menu-end form[method=post][action='/account/logout'] button")).ToBeVisibleAsync();
        await FirstScreenAsync(page, "officials-account-menu-1280");
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task On_a_phone_the_menu_folds_into_one_button_that_opens_with_or_without_JavaScript(bool javaScript)
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync(javaScript: javaScript);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        await page.GotoAsync("/plans");

        var toggle = page.Locator("details.menu > summary");
        await Assertions.Expect(toggle).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".menu-groups")).Not.ToBeVisibleAsync();
        Assert.True((await page.Locator("header.topbar").BoundingBoxAsync())!.Height < 70);
        await FirstScreenAsync(page, $"officials-menu-phone-closed{(javaScript ? "" : "-nojs")}");

        await toggle.ClickAsync();
        await Assertions.Expect(page.Locator(".menu-groups")).ToBeVisibleAsync();
        var current = page.Locator("a[aria-current=page]");
        await Assertions.Expect(current).ToHaveAttributeAsync("href", "/plans");
        await Assertions.Expect(current).ToBeVisibleAsync();
        // Nothing sticks out sideways on a 360 px screen.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"));
        await page.Locator(".menu-groups details.menu-group").First.Locator("summary").ClickAsync();
        await Assertions.Expect(page.Locator(".menu-groups a[href='/dashboard']")).ToBeVisibleAsync();
        await FirstScreenAsync(page, $"officials-menu-phone-open{(javaScript ? "" : "-nojs")}");
    }

    public static TheoryData<string> OfficialPages() =>
    [
        "/dashboard", "/dashboard/comments", "/dashboard/alerts", "/dashboard/cases", "/dashboard/report", "/dashboard/flagged",
        "/plans", "/admin/users", "/admin/audit", "/admin/kiosks", "/account/tokens", "/account/security",
    ];

    [SkippableTheory]
    [MemberData(nameof(OfficialPages))]
    public async Task Official_page_has_no_serious_accessibility_violation(string path)
    {
        BrowserFixture.RequireChromium();
        await using var context = await LaptopAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        var response = await page.GotoAsync(path);
        Assert.Equal(200, response!.Status);
        // With a drop-down open, so that its links are checked too.
        await page.Locator(".menu-groups details.menu-group").First.Locator("summary").ClickAsync();
        await AssertNoSeriousViolationsAsync(page, path);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "officials-page" + path.Replace('/', '-') + ".png"), FullPage = true,
        });
    }

    [SkippableFact]
    public async Task The_dashboard_on_a_phone_has_no_serious_accessibility_violation()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        await page.GotoAsync("/dashboard");
        await page.Locator("details.menu > summary").ClickAsync();
        await AssertNoSeriousViolationsAsync(page, "/dashboard at 360 px, menu open");
        output.WriteLine($"screenshot: {await BrowserFixture.ScreenshotAsync(page, "officials-dashboard-phone")}");
    }

    [SkippableTheory]
    [InlineData("SIPAS-DV", "distribution-title")]
    [InlineData("NHANH", "reasons-title")]
    [InlineData("TT01", "tt01-title")]
    public async Task Charts_label_questions_by_their_text_and_pass_axe(string instrument, string chart)
    {
        BrowserFixture.RequireChromium();
        await using var context = await LaptopAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        var response = await page.GotoAsync($"/dashboard?unit=VQ&instrument={instrument}");
        Assert.Equal(200, response!.Status);
        await AssertNoSeriousViolationsAsync(page, $"/dashboard?unit=VQ&instrument={instrument}");

        // Every row label of the bar charts names the question (text, then its code in brackets), never a bare code.
        var labels = await page.Locator($"section[aria-labelledby={chart}] svg text.label").AllTextContentsAsync();
        if (chart != "reasons-title")
        {
            Assert.NotEmpty(labels);
            Assert.All(labels, l => Assert.Matches(@"\S+ .*\([A-Z0-9_]+\)$|…$", l));
        }
        var section = page.Locator($"section[aria-labelledby={chart}]");
        var path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"chart-{instrument.ToLowerInvariant()}-{chart.Replace("-title", "")}.png");
        await section.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        output.WriteLine($"screenshot: {path}");
        if (instrument == "SIPAS-DV")
        {
            var ranking = Path.Combine(BrowserFixture.ScreenshotDirectory, "chart-sipas-dv-ranking.png");
            await page.Locator("section[aria-labelledby=ranking-title]").ScreenshotAsync(new LocatorScreenshotOptions { Path = ranking });
            output.WriteLine($"screenshot: {ranking}");
            // Departments and communes of the demo district are ranked apart.
            Assert.True(await page.Locator("figure.ranking-group").CountAsync() >= 2, "departments and communes in one ranking");
            var heatmap = Path.Combine(BrowserFixture.ScreenshotDirectory, "chart-sipas-dv-heatmap.png");
            await page.Locator("section[aria-labelledby=heatmap-title]").ScreenshotAsync(new LocatorScreenshotOptions { Path = heatmap });
            output.WriteLine($"screenshot: {heatmap}");
        }
    }

    [SkippableFact]
    public async Task The_report_first_screen()
    {
        BrowserFixture.RequireChromium();
        await using var context = await LaptopAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        var response = await page.GotoAsync("/dashboard/report?unit=VQ");
        Assert.Equal(200, response!.Status);
        await AssertNoSeriousViolationsAsync(page, "/dashboard/report?unit=VQ");
        await FirstScreenAsync(page, "report-1280");
    }

    private async Task AssertNoSeriousViolationsAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var report = new StringBuilder();
        foreach (var violation in result.Violations)
        {
            report.AppendLine($"[{violation.Impact}] {violation.Id}: {violation.Help} ({violation.Nodes.Length} node(s))");
            foreach (var node in violation.Nodes.Take(5))
                report.AppendLine($"    {string.Join(" ", node.Target)}  {node.Html}");
        }
        output.WriteLine($"{name}: {result.Violations.Length} violation(s), {result.Passes.Length} rule(s) passed");
        output.WriteLine(report.ToString());
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Impact} {v.Id}").ToList();
        Assert.True(serious.Count == 0, $"{name}: {string.Join(", ", serious)}\n{report}");
    }
}
