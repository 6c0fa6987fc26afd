using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CchcSurvey.Browser.Tests.Plans;

/// <summary>The demo organisation with demo responses, for the screenshots of the officials' guide.</summary>
public sealed class GuideFixture : BrowserFixture
{
    protected override int DemoResponses => 3000;
}

/// <summary>
/// Takes the screenshots of <c>docs/huong-dan-su-dung.md</c> (each checks the page it shows). They go to the test
/// results, or to the folder named by <c>CCHC_GUIDE_SCREENSHOTS</c> (the repository's <c>docs/images/huong-dan</c> when
/// the guide is updated).
/// </summary>
public sealed class GuideScreenshots(GuideFixture fixture) : IClassFixture<GuideFixture>
{
    private static readonly string Folder = Environment.GetEnvironmentVariable("CCHC_GUIDE_SCREENSHOTS") is { Length: > 0 } folder
        ? folder : Path.Combine(BrowserFixture.ScreenshotDirectory, "guide");

    private static async Task ShotAsync(IPage page, string name, ILocator? clip = null)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        if (clip is null) await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        else await clip.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
    }

    [SkippableFact]
    public async Task The_guides_pages()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 860 }, Locale = "vi-VN",
        });
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);

        await page.GotoAsync("/dashboard?unit=VQ");
        await Assertions.Expect(page.Locator("tr[data-unit='VQ-AS']")).ToHaveCountAsync(1);
        await ShotAsync(page, "01-bang-so-lieu");
        await ShotAsync(page, "02-yeu-to-sipas", page.Locator("section[aria-labelledby=heatmap-title]"));
        await ShotAsync(page, "03-ke-hoach-tren-bang-so-lieu", page.Locator("section.plan-aims"));

        await page.GotoAsync("/dashboard/comments");
        await ShotAsync(page, "04-gop-y");

        await page.GotoAsync("/plans");
        await Assertions.Expect(page.Locator("tr[data-plan='VQ-2023']")).ToHaveCountAsync(1);
        await ShotAsync(page, "05-danh-sach-ke-hoach");

        await page.GotoAsync("/plans/VQ-2023?asOf=2023-11-30");
        await ShotAsync(page, "06-ke-hoach");
        await ShotAsync(page, "07-tieu-chi", page.Locator("section[data-criterion='PAR-1.2.7.1']"));

        await page.GotoAsync("/plans/VQ-2023/tasks/PAPI-3.1-1");
        await ShotAsync(page, "08-bao-cao-tien-do");

        await page.GotoAsync("/plans/VQ-2023/report?asOf=2023-11-30");
        await ShotAsync(page, "09-bao-cao-ke-hoach");

        await page.GotoAsync("/dashboard/report?unit=VQ");
        await ShotAsync(page, "10-bao-cao-hai-long");
        Assert.True(File.Exists(Path.Combine(Folder, "10-bao-cao-hai-long.png")));
    }
}
