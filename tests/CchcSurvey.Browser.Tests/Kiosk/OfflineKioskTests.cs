using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using CchcSurvey.Web.Cli;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CchcSurvey.Browser.Tests.Kiosk;

/// <summary>
/// The counter tablet in Debian's Chromium with a persistent profile (its IndexedDB, service worker and cookies
/// survive closing the browser): enrolled through its link, it answers with the network off, with the server down
/// (connection refused) and with the server failing (500), in one tab or two, and every answer is stored exactly once.
/// Each test has its own app, database and profile.
/// </summary>
public sealed class OfflineKioskTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Counter = "VQ-AS-Q1";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    // Short waits so that the tests do not sit through the production back-off (5 minutes at most).
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Kiosks:ThanksSeconds"] = "1",
        ["Kiosks:RetryMaxSeconds"] = "3",
    };

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "cchc-tests", "kiosk-profile-" + Guid.NewGuid().ToString("N"));
    private readonly string _database = Path.Combine(Path.GetTempPath(), "cchc-tests", $"{Guid.NewGuid():N}.db");
    private int _port;
    private KestrelAppFactory? _app;
    private IPlaywright? _playwright;

    private KestrelAppFactory App => _app!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!BrowserFixture.HasChromium)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
                throw new InvalidOperationException($"Chromium not found at {BrowserFixture.ChromiumPath}: apt-get install -y chromium");
            return;
        }
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        _port = KestrelAppFactory.FreePort();
        _app = new KestrelAppFactory(_port, _database, Settings);
        _playwright = await Playwright.CreateAsync();
    }

    public Task DisposeAsync()
    {
        _app?.Dispose();
        _playwright?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
            try { File.Delete(file); } catch (IOException) { }
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    private Task<IBrowserContext> LaunchAsync(bool offline = false) => _playwright!.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
    {
        ExecutablePath = BrowserFixture.ChromiumPath,
        Headless = true,
        Args = ChromiumArgs,
        BaseURL = App.BaseUrl,
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        HasTouch = true,
        Locale = "vi-VN",
        Offline = offline,
    });

    /// <summary>Enrols the profile's browser through the link printed by <c>kiosk add</c>, and waits until the page is cached for offline use.</summary>
    private async Task<IPage> EnrolAsync(IBrowserContext context)
    {
        var run = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(App.Services, ["kiosk", "add", "--counter", Counter, "--name", "Máy tính bảng quầy 1"], run, run));
        var url = run.ToString().TrimEnd().Split('\n').Last().Trim();
        Assert.StartsWith(App.BaseUrl + "/kiosk-enrol/", url);
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        await page.GotoAsync(url);
        await page.WaitForURLAsync(new Regex($"/kiosk/{Counter}$"));
        await Expect(page.Locator("#kiosk")).ToHaveAttributeAsync("data-enrolled", "1");
        await WaitUntilCachedAsync(page);
        return page;
    }

    private static async Task WaitUntilCachedAsync(IPage page)
    {
        await page.EvaluateAsync("() => navigator.serviceWorker.ready");
        for (var i = 0; i < 100; i++)
        {
            var cached = await page.EvaluateAsync<int>("() => caches.open('cchc-kiosk-v1').then(c => c.keys()).then(k => k.length)");
            var controlled = await page.EvaluateAsync<bool>("() => !!navigator.serviceWorker.controller");
            if (cached >= 3 && controlled) return;
            await Task.Delay(100);
        }
        Assert.Fail("The kiosk page was not cached for offline use.");
    }

    /// <summary>One citizen: a face (one tap when satisfied; a reason and Send when not), the thank-you, then a fresh screen.</summary>
    private static async Task AnswerAsync(IPage page, int rating)
    {
        await page.Locator($"label.opt:has(input[name=HL][value='{rating}'])").ClickAsync();
        if (rating <= 3)
        {
            await Expect(page.Locator(".cond[data-when=HL]")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Chờ lâu", Exact = true }).ClickAsync();
            await page.Locator("#q-GOP_Y").FillAsync("Chờ lâu quá.");
            await page.Locator("button.send").ClickAsync();
        }
        await Expect(page.Locator("[data-thanks-panel]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-screen]")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        // Nothing of this citizen's answer is left for the next one.
        await Expect(page.Locator("input:checked")).ToHaveCountAsync(0);
        await Expect(page.Locator("#q-GOP_Y")).ToHaveValueAsync("");
        await Expect(page.Locator(".cond[data-when=HL]")).ToBeHiddenAsync();
    }

    private static Task ExpectWaitingAsync(IPage page, int count, int timeoutMs = 10_000) =>
        Expect(page.Locator("[data-waiting]")).ToHaveTextAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = timeoutMs });

    private List<Guid> KioskAnswers(KestrelAppFactory app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        return db.Responses.AsNoTracking().Where(r => r.Channel == "kiosk" && r.Counter!.Code == Counter).Select(r => r.SubmissionId).ToList();
    }

    private void Shot(string path) => output.WriteLine($"screenshot: {path}");

    [SkippableFact]
    public async Task Offline_five_answers_survive_closing_the_browser_and_two_more_then_all_seven_are_stored_once()
    {
        BrowserFixture.RequireChromium();
        var context = await LaunchAsync();
        var page = await EnrolAsync(context);
        Shot(await BrowserFixture.ScreenshotAsync(page, "kiosk-1-enrolled"));

        await context.SetOfflineAsync(true);
        foreach (var rating in new[] { 5, 4, 2, 5, 1 }) await AnswerAsync(page, rating);
        await ExpectWaitingAsync(page, 5);
        Shot(await BrowserFixture.ScreenshotAsync(page, "kiosk-2-five-waiting-offline"));
        Assert.Empty(KioskAnswers(App));
        await context.CloseAsync();

        // The browser is reopened with the network still off: the page comes from the worker's cache, the queue from IndexedDB.
        context = await LaunchAsync(offline: true);
        page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        await page.GotoAsync($"/kiosk/{Counter}");
        await Expect(page.Locator("#kiosk")).ToHaveAttributeAsync("data-enrolled", "1");
        await ExpectWaitingAsync(page, 5);
        await AnswerAsync(page, 3);
        await AnswerAsync(page, 5);
        await ExpectWaitingAsync(page, 7);
        Assert.Empty(KioskAnswers(App));

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0, 30_000);
        Shot(await BrowserFixture.ScreenshotAsync(page, "kiosk-3-all-sent"));
        var stored = KioskAnswers(App);
        Assert.Equal(7, stored.Count);
        Assert.Equal(7, stored.Distinct().Count());
        await Expect(page.Locator("[data-refused-count]")).ToBeHiddenAsync();
        await context.CloseAsync();
    }

    [SkippableFact]
    public async Task With_the_server_down_answers_wait_the_cached_page_reloads_and_they_are_sent_when_it_returns()
    {
        BrowserFixture.RequireChromium();
        var context = await LaunchAsync();
        var page = await EnrolAsync(context);

        _app!.Dispose(); // connection refused from now on
        _app = null;
        await AnswerAsync(page, 4);
        await AnswerAsync(page, 2);
        await AnswerAsync(page, 5);
        await ExpectWaitingAsync(page, 3);
        // With nothing listening the page still reloads, from the service worker's cache.
        await page.ReloadAsync();
        await Expect(page.Locator("#kiosk")).ToHaveAttributeAsync("data-enrolled", "1");
        await ExpectWaitingAsync(page, 3);
        Shot(await BrowserFixture.ScreenshotAsync(page, "kiosk-server-down"));

        _app = new KestrelAppFactory(_port, _database, Settings);
        await ExpectWaitingAsync(page, 0, 30_000);
        var stored = KioskAnswers(App);
        Assert.Equal(3, stored.Count);
        Assert.Equal(3, stored.Distinct().Count());
        await context.CloseAsync();
    }

    [SkippableFact]
    public async Task While_the_server_answers_500_answers_wait_and_back_off_then_each_is_stored_once()
    {
        BrowserFixture.RequireChromium();
        var context = await LaunchAsync();
        var page = await EnrolAsync(context);

        App.FailSubmissions = true;
        var before = App.SubmissionAttempts;
        await AnswerAsync(page, 5);
        await AnswerAsync(page, 1);
        await Task.Delay(6000);
        await ExpectWaitingAsync(page, 2);
        Assert.Empty(KioskAnswers(App));
        var tried = App.SubmissionAttempts - before;
        // It retried, one answer at a time, with pauses: a few attempts in six seconds, not a storm.
        Assert.InRange(tried, 2, 8);

        App.FailSubmissions = false;
        await ExpectWaitingAsync(page, 0, 30_000);
        var stored = KioskAnswers(App);
        Assert.Equal(2, stored.Count);
        Assert.Equal(2, stored.Distinct().Count());
        await context.CloseAsync();
    }

    [SkippableFact]
    public async Task Two_tabs_of_the_same_kiosk_send_every_answer_once()
    {
        BrowserFixture.RequireChromium();
        var context = await LaunchAsync();
        var first = await EnrolAsync(context);
        var second = await context.NewPageAsync();
        await second.GotoAsync($"/kiosk/{Counter}");
        await Expect(second.Locator("#kiosk")).ToHaveAttributeAsync("data-enrolled", "1");

        await context.SetOfflineAsync(true);
        var before = App.SubmissionAttempts;
        await AnswerAsync(first, 5);
        await AnswerAsync(second, 4);
        await AnswerAsync(first, 2);
        await AnswerAsync(second, 5);
        await AnswerAsync(first, 3);
        await ExpectWaitingAsync(first, 5);
        await ExpectWaitingAsync(second, 5);

        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(first, 0, 30_000);
        await ExpectWaitingAsync(second, 0, 30_000);
        var stored = KioskAnswers(App);
        Assert.Equal(5, stored.Count);
        Assert.Equal(5, stored.Distinct().Count());
        // One sender at a time (a Web Lock): no answer was even sent twice.
        Assert.Equal(5, App.SubmissionAttempts - before);
        await context.CloseAsync();
    }

    [SkippableFact]
    public async Task A_revoked_tablets_queued_answers_are_refused_and_shown_to_staff()
    {
        BrowserFixture.RequireChromium();
        var context = await LaunchAsync();
        var page = await EnrolAsync(context);
        await context.SetOfflineAsync(true);
        await AnswerAsync(page, 4);
        await ExpectWaitingAsync(page, 1);
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            await db.KioskTablets.ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedUtc, DateTime.UtcNow));
        }
        await context.SetOfflineAsync(false);
        await ExpectWaitingAsync(page, 0, 30_000);
        await Expect(page.Locator("[data-revoked]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-revoked]")).ToContainTextAsync("đã bị thu hồi");
        await Expect(page.Locator("[data-refused-count] strong")).ToHaveTextAsync("1");
        await page.Locator("[data-staff] summary").ClickAsync();
        await Expect(page.Locator("[data-refused-list] li")).ToContainTextAsync("400");
        Shot(await BrowserFixture.ScreenshotAsync(page, "kiosk-revoked"));
        Assert.Empty(KioskAnswers(App));
        await context.CloseAsync();
    }
}
