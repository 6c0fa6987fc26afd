using System.Text;
using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Languages;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CchcSurvey.Browser.Tests.Languages;

/// <summary>
/// As a new administrator would: paste a Tày translation on /admin/instruments, preview it beside Vietnamese, save it,
/// upload two recordings from files; then, as a citizen on a phone, tap "Tày", play a question and answer.
/// </summary>
public sealed class TayTranslationTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [SkippableFact]
    public async Task An_admin_adds_a_Tay_translation_with_two_recordings_and_a_citizen_answers_in_Tay()
    {
        BrowserFixture.RequireChromium();
        await using (var desktop = await fixture.DesktopAsync())
        {
            var admin = await desktop.NewPageAsync();
            await BrowserFixture.SignInAsync(admin);
            await admin.GotoAsync("/admin/instruments");
            await admin.Locator("#translation-for").SelectOptionAsync("NHANH");
            await admin.Locator("#translation").FillAsync(TestTranslations.NhanhTay);
            await admin.GetByRole(AriaRole.Button, new() { Name = "Xem trước bản dịch" }).ClickAsync();
            var preview = admin.Locator("[data-translation-preview]");
            await Expect(preview.Locator("tr[data-item=HL]")).ToContainTextAsync("Ông/bà hài lòng thế nào");
            await Expect(preview.Locator("tr[data-item=HL]")).ToContainTextAsync("[tyz] Câu hỏi hài lòng");
            await BrowserFixture.ScreenshotAsync(admin, "tay-1-preview");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Lưu bản dịch tyz" }).ClickAsync();
            await Expect(admin.Locator("tr[data-language='NHANH-translation-tyz']")).ToBeVisibleAsync();

            var folder = Path.Combine(Path.GetTempPath(), "cchc-tests", "upload-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var demo = Path.Combine(AppContext.BaseDirectory, "demo", "recordings");
            foreach (var (item, file) in new[] { ("HL", "NHANH.HL.vi.ogg"), ("LY_DO", "NHANH.LY_DO.vi.ogg") })
            {
                await admin.Locator("#recording-for").SelectOptionAsync("NHANH");
                await admin.Locator("#recording-item").FillAsync(item);
                await admin.Locator("#recording-language").FillAsync("tyz");
                await admin.Locator("#recording-file").SetInputFilesAsync(Path.Combine(demo, file));
                await admin.GetByRole(AriaRole.Button, new() { Name = "Tải lên" }).ClickAsync();
                await Expect(admin.Locator("tr[data-language='NHANH-recording-tyz']").Filter(new() { HasText = item + " ·" })).ToBeVisibleAsync();
            }
            await BrowserFixture.ScreenshotAsync(admin, "tay-2-saved");
        }

        await using var phone = await fixture.PhoneAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync("/s/VQ-AS-Q1");
        await page.Locator("nav.langs a[lang=tyz]").TapAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("[tyz] Đánh giá nhanh");
        await Expect(page.Locator("button.play:visible")).ToHaveCountAsync(1); // LY_DO's is hidden with its question
        var played = page.WaitForResponseAsync(r => Regex.IsMatch(r.Url, "/audio/\\d+$"));
        await page.Locator("button.play:visible").First.TapAsync();
        Assert.Contains((await played).Status, new[] { 200, 206 }); // media elements ask for ranges
        await page.Locator("label.opt:has(input[name=HL][value='2'])").TapAsync();
        await Expect(page.Locator("button.play:visible")).ToHaveCountAsync(2);
        await Expect(page.Locator(".cond[data-when=HL]")).ToContainTextAsync("[tyz] chờ lâu");
        await BrowserFixture.ScreenshotAsync(page, "tay-3-citizen");
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Impact} {v.Id}: {v.Help}").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "[tyz] chờ lâu" }).TapAsync();
        await page.Locator("button.send").TapAsync();
        await page.WaitForURLAsync(new Regex("/s/VQ-AS-Q1/cam-on/"));
        // Remembered on the device: the next survey opens in Tày.
        await page.GotoAsync("/s/VQ-AS-Q1");
        await Expect(page.Locator("h1")).ToHaveTextAsync("[tyz] Đánh giá nhanh");
        output.WriteLine("Tày translation added, two recordings uploaded, answered in Tày.");
    }
}
