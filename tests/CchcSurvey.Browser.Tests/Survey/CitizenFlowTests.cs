using System.Text;
using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using CchcSurvey.Web.Data;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CchcSurvey.Browser.Tests.Survey;

/// <summary>
/// Citizens' side as a first-time user meets it (#17): a long questionnaire one section per screen, the quick
/// rating in one tap, every questionnaire without JavaScript, and axe-core in the normal, large-text and
/// high-contrast modes. Screenshots go to TestResults/screenshots.
/// </summary>
public sealed class CitizenFlowTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const int PhoneHeight = 740;

    [SkippableFact]
    public async Task Completing_SIPAS_DV_on_a_phone_takes_at_most_answers_plus_sections_plus_one_taps()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/VQ-TNMT-Q1/SIPAS-DV");
        var sections = await page.Locator("section[data-step]").CountAsync();
        Assert.True(sections > 1);
        // The overall question first, so that someone who stops early still gave the main answer.
        await Expect(page.Locator("section[data-step]:visible fieldset").First).ToHaveAttributeAsync("data-item", "HL_CHUNG");

        int taps = 0, answers = 0;
        for (var step = 0; step < sections; step++)
        {
            var section = page.Locator("section[data-step]:visible");
            await Expect(section).ToHaveAttributeAsync("data-step", step.ToString());
            await Expect(page.Locator("[data-prog-text]")).ToHaveTextAsync(new Regex($"^Phần {step + 1}/{sections} · còn khoảng [0-9]+ phút$"));
            var box = (await section.BoundingBoxAsync())!;
            Assert.True(box.Height <= 2 * PhoneHeight, $"section {step + 1} is {box.Height:0} px tall, more than two screens");
            if (step == 0 || step == sections / 2 || step == sections - 1)
                output.WriteLine("screenshot: " + await BrowserFixture.ScreenshotAsync(page, $"sipas-dv-360-step{step + 1}"));

            var questions = section.Locator(".q:visible");
            var count = await questions.CountAsync();
            for (var i = 0; i < count; i++)
            {
                var q = questions.Nth(i);
                if (await q.GetAttributeAsync("data-type") == "text")
                    await q.Locator("textarea").FillAsync("Cán bộ hướng dẫn tận tình.");
                else
                    await q.Locator("label.opt:not(.na)").Nth(await q.GetAttributeAsync("data-type") == "int" ? 3 : 0).TapAsync();
                taps++;
                answers++;
            }
            // The progress stays on screen at the bottom of the section.
            await page.EvaluateAsync("window.scrollTo(0, document.body.scrollHeight)");
            Assert.True(await page.Locator("[data-prog]").EvaluateAsync<bool>("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"),
                $"the progress bar scrolled away on section {step + 1}");
            if (step < sections - 1) await page.Locator("button.next").TapAsync();
            else await page.Locator("button.send").TapAsync();
            taps++;
        }
        await page.WaitForURLAsync(new Regex("/s/VQ-TNMT-Q1/cam-on/[0-9a-f-]{36}"));
        Assert.True(taps <= answers + sections + 1, $"{taps} taps for {answers} answers in {sections} sections");
        output.WriteLine($"{taps} taps for {answers} answers in {sections} sections");
        var stored = Assert.Single(Stored(SubmissionIdOf(page.Url)));
        Assert.Equal(2, stored.InstrumentVersion.Version);
    }

    [SkippableFact]
    public async Task Back_keeps_the_answers_of_the_section_before()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/VQ-TNMT-Q1/SIPAS-DV");
        await page.Locator("label.opt:has(input[name=HL_CHUNG][value='2'])").TapAsync();
        await page.Locator("button.next").TapAsync();
        await page.Locator("label.opt:has(input[name=TC1][value='5'])").TapAsync();
        await page.ReloadAsync();
        // Kept on the phone across a reload (sessionStorage), on the section the citizen was on.
        await Expect(page.Locator("input[name=TC1][value='5']")).ToBeCheckedAsync();
        await page.Locator("button.back").TapAsync();
        await Expect(page.Locator("input[name=HL_CHUNG][value='2']")).ToBeCheckedAsync();
        await Expect(page.Locator("button.back")).ToBeHiddenAsync();
    }

    [SkippableTheory]
    [InlineData(360, 740)]
    [InlineData(1280, 800)]
    public async Task The_quick_rating_with_a_5_takes_one_tap(int width, int height)
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height },
            HasTouch = true, IsMobile = width < 400, Locale = "vi-VN",
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/VQ-AS-Q1");
        await Expect(page.Locator("button.send")).ToBeHiddenAsync();
        output.WriteLine("screenshot: " + await BrowserFixture.ScreenshotAsync(page, $"nhanh-{width}"));
        await page.Locator("label.opt:has(input[name=HL][value='5'])").TapAsync();
        await page.WaitForURLAsync(new Regex("/s/VQ-AS-Q1/cam-on/[0-9a-f-]{36}"));
        output.WriteLine("screenshot: " + await BrowserFixture.ScreenshotAsync(page, $"nhanh-{width}-thanks"));
        Assert.Single(Stored(SubmissionIdOf(page.Url)));
    }

    [SkippableFact]
    public async Task The_quick_rating_with_a_2_opens_the_reasons_and_one_more_tap_sends()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/VQ-AS-Q1");
        await page.Locator("label.opt:has(input[name=HL][value='2'])").TapAsync();
        await Expect(page.Locator(".cond[data-when=HL]")).ToBeVisibleAsync();
        await Expect(page.Locator("button.send")).ToBeVisibleAsync();
        Assert.Contains("/s/VQ-AS-Q1", page.Url);
        Assert.DoesNotContain("cam-on", page.Url);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Chờ lâu", Exact = true }).TapAsync();
        await page.Locator("button.send").TapAsync();
        await page.WaitForURLAsync(new Regex("/cam-on/"));
        Assert.Single(Stored(SubmissionIdOf(page.Url)));
    }

    [SkippableTheory]
    [InlineData("/s/VQ-AS-Q1")]
    [InlineData("/s/VQ-TT-Q2/SIPAS-DV")]
    [InlineData("/s/VQ-TT-Q2/SIPAS-CS")]
    [InlineData("/s/VQ-TT-Q2/TT01")]
    [InlineData("/s/VQ-TT-Q2/PAPI-M")]
    public async Task Without_JavaScript_every_questionnaire_can_be_completed_and_is_stored_once(string path)
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync(javaScript: false);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        var name = path.Split('/').Last();
        for (var step = 0; step < 20; step++)
        {
            var section = page.Locator("section[data-step]:visible");
            await Expect(section).ToHaveCountAsync(1);
            // One answer per screen: the first option of the first question.
            await section.Locator(".q").First.Locator("label.opt:not(.na)").First.TapAsync();
            if (step == 1) output.WriteLine("screenshot: " + await BrowserFixture.ScreenshotAsync(page, $"nojs-{name}-step2"));
            if (await page.Locator("button.next").IsVisibleAsync()) await page.Locator("button.next").TapAsync();
            else
            {
                await page.Locator("button.send").TapAsync();
                break;
            }
        }
        await page.WaitForURLAsync(new Regex("/cam-on/[0-9a-f-]{36}"));
        var id = SubmissionIdOf(page.Url);
        // Stored once, with an answer from every screen (a second send of the same id is the Web tests' subject).
        var stored = Assert.Single(Stored(id));
        Assert.True(stored.AnswersJson.Length > 2);
    }

    public static TheoryData<string, string> PagesAndModes()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "/s/VQ-AS-Q1", "/s/VQ-TT-Q2/SIPAS-DV", "/s/VQ-TT-Q2/SIPAS-CS", "/s/VQ-TT-Q2/TT01", "/s/VQ-TT-Q2/PAPI-M", "/kiosk/VQ-AS-Q1", "thanks" })
            foreach (var mode in new[] { "normal", "lg", "hc" })
                data.Add(path, mode);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(PagesAndModes))]
    public async Task Axe_finds_no_serious_violation_on_citizen_pages_in_each_display_mode(string path, string mode)
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        if (path == "thanks")
        {
            await page.GotoAsync("/s/VQ-AS-Q1");
            await page.Locator("label.opt:has(input[name=HL][value='4'])").TapAsync();
            await page.WaitForURLAsync(new Regex("/cam-on/"));
        }
        else await page.GotoAsync(path);
        if (mode != "normal")
        {
            // One tap on the header's toggle; the choice is remembered on the device.
            await page.Locator($"button[data-mode={mode}]").TapAsync();
            await Expect(page.Locator("html")).ToHaveClassAsync(new Regex($"\\b{mode}\\b"));
            await page.ReloadAsync();
            await Expect(page.Locator("html")).ToHaveClassAsync(new Regex($"\\b{mode}\\b"));
            await Expect(page.Locator($"button[data-mode={mode}]")).ToHaveAttributeAsync("aria-pressed", "true");
        }
        var shot = Regex.Replace(path, "[^A-Za-z0-9]+", "-").Trim('-');
        if (path is "/s/VQ-AS-Q1" or "/s/VQ-TT-Q2/SIPAS-DV" or "/kiosk/VQ-AS-Q1")
            output.WriteLine("screenshot: " + await BrowserFixture.ScreenshotAsync(page, $"axe-{shot}-{mode}"));
        var result = await page.RunAxe();
        var report = new StringBuilder();
        foreach (var v in result.Violations)
        {
            report.AppendLine($"[{v.Impact}] {v.Id}: {v.Help} ({v.Nodes.Length} node(s))");
            foreach (var node in v.Nodes.Take(5)) report.AppendLine($"    {string.Join(" ", node.Target)}  {node.Html}");
        }
        output.WriteLine(report.ToString());
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Impact} {v.Id}").ToList();
        Assert.True(serious.Count == 0, $"{path} ({mode}): {string.Join(", ", serious)}\n{report}");
    }

    [SkippableFact]
    public async Task The_system_high_contrast_setting_is_followed_until_the_citizen_chooses()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync();
        var page = await context.NewPageAsync();
        await page.EmulateMediaAsync(new() { Contrast = Contrast.More, ReducedMotion = ReducedMotion.Reduce });
        await page.GotoAsync("/s/VQ-AS-Q1");
        await Expect(page.Locator("html")).ToHaveClassAsync(new Regex("\\bhc\\b"));
        await page.Locator("button[data-mode=hc]").TapAsync();
        await Expect(page.Locator("html")).Not.ToHaveClassAsync(new Regex("\\bhc\\b"));
    }

    [SkippableFact]
    public async Task The_kiosk_uses_the_tablets_height_and_Nguoi_tiep_theo_clears_the_previous_answer()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, HasTouch = true, Locale = "vi-VN",
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/kiosk/VQ-AS-Q1");
        output.WriteLine("screenshot: " + await BrowserFixture.ScreenshotAsync(page, "kiosk-1280"));
        var faces = page.Locator(".faces");
        var box = (await faces.BoundingBoxAsync())!;
        Assert.True(box.Height >= 0.25 * 800, $"the faces are {box.Height:0} px tall on an 800 px screen");
        var next = page.Locator("[data-next-person]");
        await Expect(next).ToBeVisibleAsync();
        Assert.True(await next.EvaluateAsync<bool>("e => e.getBoundingClientRect().bottom <= innerHeight"), "Người tiếp theo is below the first screen");

        await page.Locator("label.opt:has(input[name=HL][value='2'])").TapAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Chờ lâu", Exact = true }).TapAsync();
        await page.Locator("#q-GOP_Y").FillAsync("Chờ lâu quá");
        await next.TapAsync();
        await Expect(page.Locator("input[name=HL]:checked")).ToHaveCountAsync(0);
        await Expect(page.Locator("input[name=LY_DO]:checked")).ToHaveCountAsync(0);
        await Expect(page.Locator("#q-GOP_Y")).ToHaveValueAsync("");
        await Expect(page.Locator(".cond[data-when=HL]")).ToBeHiddenAsync();
        // Nothing kept for the next citizen on reload either.
        await page.ReloadAsync();
        await Expect(page.Locator("input[name=HL]:checked")).ToHaveCountAsync(0);
    }

    private static Guid SubmissionIdOf(string url) => Guid.Parse(Regex.Match(url, "[0-9a-f-]{36}").Value);

    private List<Response> Stored(Guid id)
    {
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        return db.Responses.AsNoTracking().Include(r => r.InstrumentVersion).Where(r => r.SubmissionId == id).ToList();
    }
}
