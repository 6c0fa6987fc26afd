using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CchcSurvey.Browser.Tests.Plans;

/// <summary>A commune manager reports a task of the demo plan done in the browser, and the coordinator's progress report shows it.</summary>
public sealed class PlanProgressTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    public const string ManagerEmail = "quanly@an-son.test", ManagerPassword = "Mat-khau-Quan-ly-1";

    internal static async Task AddManagerAsync(KestrelAppFactory app, string email, string password, string unit)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Official>>();
        if (await users.FindByEmailAsync(email) is not null) return;
        var official = new Official { UserName = email, Email = email, EmailConfirmed = true, ScopeUnitId = db.Units.Single(u => u.Code == unit).Id };
        Assert.True((await users.CreateAsync(official, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(official, "manager")).Succeeded);
    }

    internal static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    [SkippableFact]
    public async Task A_commune_manager_reports_a_task_done_and_the_coordinators_report_shows_it()
    {
        BrowserFixture.RequireChromium();
        await AddManagerAsync(fixture.App, ManagerEmail, ManagerPassword, "VQ-AS");
        const string note = "Xã An Sơn đã ra quân thu gom rác thải tại 9 thôn.";

        await using (var commune = await fixture.DesktopAsync())
        {
            var page = await commune.NewPageAsync();
            await SignInAsync(page, ManagerEmail, ManagerPassword);
            await page.GotoAsync("/plans");
            await page.Locator("tr[data-plan='VQ-2023'] a").First.ClickAsync();
            await page.WaitForURLAsync(new Regex("/plans/VQ-2023$"));
            // Only the commune's own tasks: none of Phòng Tư pháp's.
            await Assertions.Expect(page.Locator("tr[data-task='PAR-1.2.2-1']")).ToHaveCountAsync(0);
            var task = page.Locator("tr[data-task='PAPI-3.1-1']");
            await Assertions.Expect(task).ToHaveAttributeAsync("data-bucket", "open_overdue");
            await task.Locator("a.button").ClickAsync();
            await page.WaitForURLAsync(new Regex("/plans/VQ-2023/tasks/PAPI-3.1-1$"));
            await page.Locator("input[name=Status][value=done]").CheckAsync();
            await page.Locator("textarea[name=Note]").FillAsync(note);
            output.WriteLine($"screenshot: {await BrowserFixture.ScreenshotAsync(page, "plan-progress-form")}");
            await page.Locator("form.progress-form button[type=submit]").ClickAsync();
            await page.WaitForURLAsync(new Regex("/plans/VQ-2023"));
            await Assertions.Expect(page.Locator("tr[data-task='PAPI-3.1-1']")).ToHaveAttributeAsync("data-bucket", "done_late");
        }

        await using var office = await fixture.DesktopAsync();
        var coordinator = await office.NewPageAsync();
        await BrowserFixture.SignInAsync(coordinator);
        await coordinator.GotoAsync("/plans/VQ-2023/report");
        var report = coordinator.Locator("article.plan-report");
        await Assertions.Expect(report.Locator(".notes-report tr[data-task='PAPI-3.1-1']")).ToContainTextAsync(note);
        await Assertions.Expect(report.Locator(".open-tasks tr[data-task='PAPI-3.1-1']")).ToHaveCountAsync(0);
        await Assertions.Expect(report.Locator("tr[data-row='Tổng số'] td[data-bucket='done_late']")).Not.ToHaveTextAsync("0");
        output.WriteLine($"screenshot: {await BrowserFixture.ScreenshotAsync(coordinator, "plan-report")}");
    }
}
