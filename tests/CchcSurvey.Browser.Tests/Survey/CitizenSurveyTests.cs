using CchcSurvey.Tests.Shared;
using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CchcSurvey.Browser.Tests.Survey;

/// <summary>A citizen at the counter: scans the QR code with a phone and answers the quick rating.</summary>
public sealed class CitizenSurveyTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string Counter = "VQ-AS-Q1";

    [SkippableFact]
    public async Task Phone_scans_the_counter_QR_code_rates_dissatisfied_with_a_reason_and_gets_a_receipt()
    {
        BrowserFixture.RequireChromium();
        // The poster's QR code, decoded like a phone camera does, leads to this app's survey page.
        using var http = new HttpClient { BaseAddress = new Uri(fixture.App.BaseUrl) };
        var url = QrDecoder.Decode(await http.GetByteArrayAsync($"/api/v1/counters/{Counter}/qr.png"));
        Assert.Equal($"{fixture.App.BaseUrl}/s/{Counter}", url);

        await using var context = await fixture.PhoneAsync();
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(url);
        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Đánh giá nhanh tại quầy");
        await AssertNoHorizontalScrollAsync(page);
        Shot(await BrowserFixture.ScreenshotAsync(page, "citizen-1-survey"));

        // The reasons are hidden until a rating of 3 or less is tapped (survey.js).
        var reasons = page.Locator(".cond[data-when=HL]");
        await Expect(reasons).ToBeHiddenAsync();
        var dissatisfied = page.Locator("label.opt:has(input[name=HL][value='2'])");
        await Expect(dissatisfied).ToHaveTextAsync(new Regex(@"^\s*Không hài lòng\s*$"));
        await dissatisfied.TapAsync();
        await Expect(page.Locator("input[name=HL][value='2']")).ToBeCheckedAsync();
        await Expect(reasons).ToBeVisibleAsync();
        await AssertNoHorizontalScrollAsync(page);

        var longWait = page.GetByRole(AriaRole.Checkbox, new() { Name = "Chờ lâu", Exact = true });
        await longWait.TapAsync();
        await Expect(longWait).ToBeCheckedAsync();
        await page.Locator("#q-GOP_Y").FillAsync("Phải chờ gần một tiếng ở quầy.");
        Shot(await BrowserFixture.ScreenshotAsync(page, "citizen-2-answered"));

        await page.Locator("button.send").TapAsync();
        await page.WaitForURLAsync(new Regex($@"/s/{Counter}/cam-on/[0-9a-f-]{{36}}"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Cảm ơn ông/bà!");
        await AssertNoHorizontalScrollAsync(page);
        Shot(await BrowserFixture.ScreenshotAsync(page, "citizen-3-thanks"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Xem xác nhận đã gửi" }).TapAsync();
        await page.WaitForURLAsync(new Regex(@"/r/[0-9a-f-]{36}"));
        await Expect(page.Locator("h1")).ToContainTextAsync("đã được ghi nhận");
        Shot(await BrowserFixture.ScreenshotAsync(page, "citizen-4-receipt"));
    }

    [SkippableFact]
    public async Task Without_JavaScript_tapping_a_face_and_sending_still_works()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync(javaScript: false);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{Counter}");
        // Without the script every block stays visible; the server drops what does not apply.
        await Expect(page.Locator(".cond[data-when=HL]")).ToBeVisibleAsync();
        await AssertNoHorizontalScrollAsync(page);

        await page.Locator("label.opt:has(input[name=HL][value='4'])").TapAsync();
        await Expect(page.Locator("input[name=HL][value='4']")).ToBeCheckedAsync();
        Shot(await BrowserFixture.ScreenshotAsync(page, "nojs-1-answered"));
        await page.Locator("button.send").TapAsync();

        await page.WaitForURLAsync(new Regex($@"/s/{Counter}/cam-on/[0-9a-f-]{{36}}"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Cảm ơn ông/bà!");
        Shot(await BrowserFixture.ScreenshotAsync(page, "nojs-2-thanks"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Xem xác nhận đã gửi" }).TapAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("đã được ghi nhận");
    }

    [SkippableFact]
    public async Task The_language_switch_shows_the_survey_in_English()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{Counter}");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).TapAsync();
        await page.WaitForURLAsync(new Regex(@"culture=en"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Quick rating at the counter");
        await Expect(page.Locator("label.opt:has(input[name=HL][value='5'])")).ToHaveTextAsync(new Regex(@"^\s*Very satisfied\s*$"));
        await Expect(page.Locator("button.send")).Not.ToHaveTextAsync(new Regex("Gửi"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Tiếng Việt" })).ToBeVisibleAsync();
        Shot(await BrowserFixture.ScreenshotAsync(page, "citizen-english"));
        await AssertNoHorizontalScrollAsync(page);
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 360, $"{page.Url} scrolls sideways on a 360 px phone: scrollWidth = {scrollWidth}");
    }

    private void Shot(string path) => output.WriteLine($"screenshot: {path}");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
