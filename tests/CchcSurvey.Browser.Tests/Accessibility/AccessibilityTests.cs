using System.Text;
using CchcSurvey.Browser.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CchcSurvey.Browser.Tests.Accessibility;

/// <summary>
/// axe-core on the pages citizens and officials use: no serious or critical violation (contrast, labels,
/// landmarks, language…). Every violation, whatever its impact, is printed. The context bypasses the CSP
/// only so that axe's script can be injected; the pages themselves are unchanged.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [SkippableTheory]
    [InlineData("/s/VQ-AS-Q1")]
    [InlineData("/s/VQ-AS-Q1?culture=en")]
    [InlineData("/s/VQ-AS-Q1/SIPAS-DV")]
    [InlineData("/account/login")]
    [InlineData("/")]
    [InlineData("/public")]
    public async Task Public_page_has_no_serious_accessibility_violation(string path)
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(path);
        if (response!.Status == 404 && path == "/public")
        {
            output.WriteLine("/public does not exist (404): nothing to check");
            return;
        }
        Assert.Equal(200, response.Status);
        await AssertNoSeriousViolationsAsync(page, path);
    }

    [SkippableFact]
    public async Task Survey_with_the_reasons_shown_has_no_serious_accessibility_violation()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.PhoneAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/VQ-AS-Q1");
        await page.Locator("label.opt:has(input[name=HL][value='1'])").TapAsync();
        await Assertions.Expect(page.Locator(".cond[data-when=HL]")).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "/s/VQ-AS-Q1 (rated 1, reasons shown)");
    }

    [SkippableFact]
    public async Task Dashboard_signed_in_has_no_serious_accessibility_violation()
    {
        BrowserFixture.RequireChromium();
        await using var context = await fixture.DesktopAsync(bypassCsp: true);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        await page.GotoAsync("/dashboard?unit=VQ");
        await Assertions.Expect(page.Locator("tr[data-unit='VQ-AS']")).ToBeVisibleAsync();
        await AssertNoSeriousViolationsAsync(page, "/dashboard");
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
