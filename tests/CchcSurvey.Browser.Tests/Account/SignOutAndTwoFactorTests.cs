using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CchcSurvey.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CchcSurvey.Browser.Tests.Account;

/// <summary>
/// On a shared commune-office computer: an official signs in, signs out from the menu, and a copy of the old
/// session cookie opens nothing; then the official sets up an authenticator app and signs in with two factors.
/// </summary>
public sealed class SignOutAndTwoFactorTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [SkippableFact]
    public async Task Sign_out_from_the_menu_then_the_old_cookie_opens_nothing_then_sign_in_with_two_factors()
    {
        BrowserFixture.RequireChromium();
        await using var desk = await fixture.DesktopAsync();
        var page = await desk.NewPageAsync();
        await SignInAsync(page);
        await page.WaitForURLAsync(new Regex("/dashboard$"));
        var copied = await desk.CookiesAsync();
        Assert.Contains(copied, c => c.Name == "cchc_auth");

        // Sign out from the menu.
        await OpenAccountMenuAsync(page);
        await page.Locator("nav form[action='/account/logout'] button").ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await Assertions.Expect(page.Locator("nav a[href='/account/login']")).ToBeVisibleAsync();
        Assert.DoesNotContain(await desk.CookiesAsync(), c => c.Name == "cchc_auth");
        output.WriteLine($"screenshot: {await BrowserFixture.ScreenshotAsync(page, "signed-out")}");

        // The next person at the computer, holding a copy of the old cookie, gets the sign-in page.
        await using (var next = await fixture.DesktopAsync())
        {
            await next.AddCookiesAsync(copied.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
            var theirs = await next.NewPageAsync();
            await theirs.GotoAsync("/dashboard");
            await theirs.WaitForURLAsync(new Regex("/account/login"));
            await theirs.GotoAsync("/admin/users");
            await theirs.WaitForURLAsync(new Regex("/account/login"));
        }

        // Set up an authenticator app, with the code an app would show (RFC 6238, computed here from the key).
        await SignInAsync(page);
        await page.WaitForURLAsync(new Regex("/dashboard$"));
        await OpenAccountMenuAsync(page);
        await page.Locator("nav a[href='/account/security']").ClickAsync();
        var key = (await page.Locator("#shared-key").InnerTextAsync()).Trim();
        await Assertions.Expect(page.Locator(".qr svg")).ToBeVisibleAsync();
        output.WriteLine($"screenshot: {await BrowserFixture.ScreenshotAsync(page, "two-factor-set-up")}");
        await page.Locator("#totp-code").FillAsync(Code(key));
        await page.Locator("form[action*='handler=enable'] button").ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Assertions.Expect(page.Locator("#two-factor-on")).ToBeVisibleAsync();

        // Sign out, and in again: the password, then the authenticator's code.
        await OpenAccountMenuAsync(page);
        await page.Locator("nav form[action='/account/logout'] button").ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await SignInAsync(page);
        await page.WaitForURLAsync(new Regex("/account/login/2fa"));
        output.WriteLine($"screenshot: {await BrowserFixture.ScreenshotAsync(page, "two-factor-code")}");
        // The code that turned it on works once only; the app's next one (30 s later) signs in.
        await page.Locator("#code").FillAsync(Code(key, seconds: 30));
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/dashboard$"));
        await OpenAccountMenuAsync(page);
        await Assertions.Expect(page.Locator("nav form[action='/account/logout']")).ToBeVisibleAsync();
    }

    /// <summary>Sign-out and the account's pages are in the account menu at the right end of the bar.</summary>
    private static Task OpenAccountMenuAsync(IPage page) => page.Locator(".menu-end .account > summary").ClickAsync();

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(KestrelAppFactory.AdminEmail);
        await page.Locator("#password").FillAsync(KestrelAppFactory.AdminPassword);
        await page.Locator("main form button[type=submit], form:has(#password) button[type=submit]").First.ClickAsync();
    }

    /// <summary>RFC 6238: HMAC-SHA1 of the 30-second step, dynamic truncation, six digits; the key in base32.</summary>
    private static string Code(string base32, int seconds = 0)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in base32.ToUpperInvariant().Where(c => c != ' '))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8) { bytes.Add((byte)(buffer >> (bits - 8))); bits -= 8; }
        }
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + seconds) / 30);
        var hash = HMACSHA1.HashData([.. bytes], counter);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
    }
}
