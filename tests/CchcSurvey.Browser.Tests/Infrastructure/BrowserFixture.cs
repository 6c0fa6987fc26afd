using Microsoft.Playwright;

namespace CchcSurvey.Browser.Tests.Infrastructure;

/// <summary>
/// One app on Kestrel and one headless Chromium per test class. The browser is Debian's
/// (<c>/usr/bin/chromium</c>): Playwright never downloads one, and the pages only ever reach 127.0.0.1.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>Demo responses seeded at start; the guide's screenshots want figures to show.</summary>
    protected virtual int DemoResponses => 0;

    public static bool HasChromium => File.Exists(ChromiumPath);

    /// <summary>Skips the test on a machine without Debian's Chromium (like the PostgreSQL tests without a server).</summary>
    public static void RequireChromium() =>
        Skip.IfNot(HasChromium, $"no Chromium at {ChromiumPath} (apt-get install chromium; .ci/run does)");

    public KestrelAppFactory App { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the screenshots go: TestResults/screenshots under the test output.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!HasChromium)
        {
            // CI installs it (.ci/run), so there a missing browser is a failure, not a skip.
            if (Environment.GetEnvironmentVariable("CI") == "true")
                throw new InvalidOperationException($"Chromium not found at {ChromiumPath}: apt-get install -y chromium");
            return;
        }
        Directory.CreateDirectory(ScreenshotDirectory);
        App = new KestrelAppFactory(DemoResponses);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A phone: 360×740, touch, mobile viewport.</summary>
    public Task<IBrowserContext> PhoneAsync(bool javaScript = true, bool bypassCsp = false) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = App.BaseUrl,
        ViewportSize = new ViewportSize { Width = 360, Height = 740 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
        JavaScriptEnabled = javaScript,
        BypassCSP = bypassCsp,
        Locale = "vi-VN",
    });

    /// <summary>An official's desktop: 1366×900.</summary>
    public Task<IBrowserContext> DesktopAsync(bool bypassCsp = false) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = App.BaseUrl,
        ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        BypassCSP = bypassCsp,
        Locale = "vi-VN",
    });

    /// <summary>Saves a full-page screenshot and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Signs the page in as the test administrator through the real login form.</summary>
    public static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(KestrelAppFactory.AdminEmail);
        await page.Locator("#password").FillAsync(KestrelAppFactory.AdminPassword);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        App?.Dispose();
    }
}
