using System.Diagnostics;
using System.Globalization;
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
/// Benchmarks of the counter tablet (#12), run only by <c>bench/kiosk-bench.sh</c> (CCHC_BENCH=1): they print
/// figures for docs/performance.md and assert only correctness (nothing lost, nothing doubled), never a time.
/// </summary>
public sealed class KioskBenchmarks(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Counter = "VQ-AS-Q1";
    private static bool Enabled => Environment.GetEnvironmentVariable("CCHC_BENCH") == "1";
    private static int Queued => int.TryParse(Environment.GetEnvironmentVariable("CCHC_BENCH_QUEUED"), out var n) ? n : 1000;

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "cchc-tests", "kiosk-bench-" + Guid.NewGuid().ToString("N"));
    private KestrelAppFactory? _app;
    private IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        if (!Enabled || !BrowserFixture.HasChromium) return;
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // Production's back-off ceiling is kept short only so that the first retry after "online" is not delayed by a
        // back-off from the offline attempts; the drain itself sends one answer at a time as in production.
        _app = new KestrelAppFactory(KestrelAppFactory.FreePort(), null, new Dictionary<string, string?> { ["Kiosks:RetryMaxSeconds"] = "3" });
        _playwright = await Playwright.CreateAsync();
    }

    public Task DisposeAsync()
    {
        _app?.Dispose();
        _playwright?.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    private Task<IBrowserContext> LaunchAsync(bool offline) => _playwright!.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
    {
        ExecutablePath = BrowserFixture.ChromiumPath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        BaseURL = _app!.BaseUrl,
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        HasTouch = true,
        Locale = "vi-VN",
        Offline = offline,
    });

    private async Task<IPage> EnrolAsync(IBrowserContext context)
    {
        var run = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(_app!.Services, ["kiosk", "add", "--counter", Counter, "--name", "Bench"], run, run));
        var url = run.ToString().TrimEnd().Split('\n').Last().Trim();
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        await page.GotoAsync(url);
        await page.WaitForURLAsync(new Regex($"/kiosk/{Counter}$"));
        await Expect(page.Locator("#kiosk")).ToHaveAttributeAsync("data-enrolled", "1");
        await page.EvaluateAsync("() => navigator.serviceWorker.ready");
        for (var i = 0; i < 100 && !await page.EvaluateAsync<bool>("() => !!navigator.serviceWorker.controller && caches.open('cchc-kiosk-v1').then(c => c.keys()).then(k => k.length >= 4)"); i++)
            await Task.Delay(100);
        return page;
    }

    [SkippableFact]
    public async Task Drain_of_queued_answers_when_the_network_returns()
    {
        Skip.IfNot(Enabled && BrowserFixture.HasChromium, "benchmark: run bench/kiosk-bench.sh");
        await using var context = await LaunchAsync(offline: false);
        var page = await EnrolAsync(context);
        await context.SetOfflineAsync(true);

        // The queue as kiosk.js writes it after N citizens answered offline (the UI path itself is the offline test's subject).
        var ids = await page.EvaluateAsync<string[]>(@"n => new Promise((resolve, reject) => {
            const root = document.getElementById('kiosk').dataset, ids = [];
            const open = indexedDB.open('cchc-kiosk', 1);
            open.onsuccess = () => {
              const t = open.result.transaction(['queue'], 'readwrite'), q = t.objectStore('queue');
              for (let i = 0; i < n; i++) {
                const id = crypto.randomUUID(); ids.push(id);
                const answers = i % 4 === 0 ? { HL: 2, LY_DO: ['cho_lau'] } : { HL: 4 + (i % 2) };
                q.put({ id, at: Date.now() + i, body: JSON.stringify({ submissionId: id, counter: root.counter, instrument: root.instrument,
                  version: +root.version, channel: 'kiosk', answers, elapsedSeconds: 7.5 }) });
              }
              t.oncomplete = () => resolve(ids); t.onerror = () => reject(t.error);
            };
            open.onerror = () => reject(open.error);
          })", Queued);
        Assert.Equal(Queued, ids.Length);
        await page.ReloadAsync(); // offline: served by the service worker, shows the queue
        await Expect(page.Locator("[data-waiting]")).ToHaveTextAsync(Queued.ToString(CultureInfo.InvariantCulture), new() { Timeout = 30_000 });

        var clock = Stopwatch.StartNew();
        await context.SetOfflineAsync(false);
        await Expect(page.Locator("[data-waiting]")).ToHaveTextAsync("0", new() { Timeout = 600_000 });
        clock.Stop();

        using var scope = _app!.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var stored = await db.Responses.AsNoTracking().Where(r => r.Channel == "kiosk").Select(r => r.SubmissionId).ToListAsync();
        Assert.Equal(ids.Length, stored.Count);
        Assert.Equal(ids.Select(Guid.Parse).Order(), stored.Order());
        output.WriteLine($"DRAIN queued={ids.Length} seconds={clock.Elapsed.TotalSeconds:0.0} per_answer_ms={clock.Elapsed.TotalMilliseconds / ids.Length:0.0} stored={stored.Count} distinct={stored.Distinct().Count()}");
    }

    [SkippableFact]
    public async Task Offline_time_to_interactive_of_the_kiosk_page()
    {
        Skip.IfNot(Enabled && BrowserFixture.HasChromium, "benchmark: run bench/kiosk-bench.sh");
        await using (var first = await LaunchAsync(offline: false))
            await EnrolAsync(first);

        // The browser closed and opened again with the network off, as a tablet in a commune without signal.
        await using var context = await LaunchAsync(offline: true);
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        var wall = new List<double>();
        var dcl = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var clock = Stopwatch.StartNew();
            await page.GotoAsync($"/kiosk/{Counter}", new() { WaitUntil = WaitUntilState.Commit });
            // Interactive: the faces are there and kiosk.js has read the queue (the waiting count is drawn).
            await page.Locator("label.opt:has(input[name=HL][value='5'])").WaitForAsync();
            await page.WaitForFunctionAsync("() => document.readyState !== 'loading' && document.querySelector('[data-waiting]') !== null");
            clock.Stop();
            var nav = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd");
            if (i == 0) continue; // the first open also starts the service worker
            wall.Add(clock.Elapsed.TotalMilliseconds);
            dcl.Add(nav);
        }
        var bytes = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + (e.decodedBodySize || 0), 0)");
        await Expect(page.Locator("#kiosk")).ToHaveAttributeAsync("data-enrolled", "1");
        output.WriteLine($"TTI_OFFLINE runs={wall.Count} wall_median_ms={Median(wall):0} wall_max_ms={wall.Max():0} dcl_median_ms={Median(dcl):0} page_and_assets_bytes_uncompressed={bytes:0}");
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
