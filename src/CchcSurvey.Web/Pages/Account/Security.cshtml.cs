using System.Text;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Pages.Admin.Users;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Pages.Account;

/// <summary>
/// An official's own sign-in security: change the password; set up an authenticator app (TOTP, RFC 6238, through
/// Identity's own authenticator token provider) from a QR code, use it, reset it; recovery codes, shown once.
/// Every change renews the security stamp (Identity does), which would end this very session, so the page signs
/// the official in again with the new stamp (<c>RefreshSignInAsync</c>); other sessions of the account end.
/// </summary>
[Authorize(Policy = Policies.Official)]
public sealed class SecurityModel(UserManager<Official> users, SignInManager<Official> signIn, AuditLog audit,
    IOptions<SecurityOptions> options, IStringLocalizer<AdminResource> text) : PageModel
{
    public const int RecoveryCodeCount = 10;

    public bool TwoFactorEnabled { get; private set; }
    public bool Required { get; private set; }
    public string? SharedKey { get; private set; }
    public string? QrSvg { get; private set; }
    public int RecoveryCodesLeft { get; private set; }
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    public string? PasswordError { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        Message = done switch
        {
            "password" => text["Đã đổi mật khẩu."].Value,
            "reset" => text["Đã tắt ứng dụng xác thực cũ. Hãy cài đặt lại bằng mã QR mới."].Value,
            _ => null,
        };
        await LoadAsync(official);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync(string? code, CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (official.TwoFactorEnabled) return RedirectToPage();
        if (digits.Length != 6 || !await users.VerifyTwoFactorTokenAsync(official, users.Options.Tokens.AuthenticatorTokenProvider, digits))
            return await FailAsync(official, text["Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực."]);
        await users.SetTwoFactorEnabledAsync(official, true);
        NewRecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(official, RecoveryCodeCount))!.ToList();
        await signIn.RefreshSignInAsync(official);
        await audit.WriteAsync(User, AuditActions.TwoFactorEnable, official.Email, "authenticator app", ct);
        Message = text["Đã bật xác thực hai lớp."];
        return await ShowSecretsAsync(official);
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(string? password, CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        if (!official.TwoFactorEnabled) return RedirectToPage();
        if (string.IsNullOrEmpty(password) || !await users.CheckPasswordAsync(official, password))
            return await FailAsync(official, text["Mật khẩu hiện tại không đúng."]);
        NewRecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(official, RecoveryCodeCount))!.ToList();
        await signIn.RefreshSignInAsync(official);
        await audit.WriteAsync(User, AuditActions.RecoveryCodes, official.Email, $"{RecoveryCodeCount} new codes; the old ones no longer work", ct);
        return await ShowSecretsAsync(official);
    }

    public async Task<IActionResult> OnPostResetAsync(string? password, CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        if (string.IsNullOrEmpty(password) || !await users.CheckPasswordAsync(official, password))
            return await FailAsync(official, text["Mật khẩu hiện tại không đúng."]);
        await users.SetTwoFactorEnabledAsync(official, false);
        await users.ResetAuthenticatorKeyAsync(official);
        await users.RemoveAuthenticationTokenAsync(official, SingleUseAuthenticatorTokenProvider.Store, SingleUseAuthenticatorTokenProvider.LastStep);
        // Recovery codes belong to the old authenticator.
        await users.GenerateNewTwoFactorRecoveryCodesAsync(official, 0);
        await signIn.RefreshSignInAsync(official);
        await audit.WriteAsync(User, AuditActions.TwoFactorReset, official.Email, "authenticator key and recovery codes replaced", ct);
        return RedirectToPage(new { done = "reset" });
    }

    public async Task<IActionResult> OnPostPasswordAsync(string? current, string? password, string? confirm, CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } official) return Challenge();
        string? error = null;
        if (string.IsNullOrEmpty(current) || string.IsNullOrEmpty(password)) error = "Hãy nhập mật khẩu hiện tại và mật khẩu mới.";
        else if (password != confirm) error = "Hai lần nhập mật khẩu mới không giống nhau.";
        if (error is null)
        {
            var changed = await users.ChangePasswordAsync(official, current!, password!);
            if (!changed.Succeeded)
                error = changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                    ? "Mật khẩu hiện tại không đúng."
                    : UserRules.Describe(changed.Errors.First());
        }
        if (error is not null)
        {
            PasswordError = text[error];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(official);
            return Page();
        }
        await signIn.RefreshSignInAsync(official);
        await audit.WriteAsync(User, AuditActions.PasswordChange, official.Email, "by the official", ct);
        return RedirectToPage(new { done = "password" });
    }

    private async Task<IActionResult> FailAsync(Official official, string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(official);
        return Page();
    }

    private async Task<IActionResult> ShowSecretsAsync(Official official)
    {
        // The answer carries recovery codes: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(await users.GetUserAsync(User) ?? official);
        return Page();
    }

    private async Task LoadAsync(Official official)
    {
        official = await users.FindByIdAsync(official.Id) ?? official;
        TwoFactorEnabled = official.TwoFactorEnabled;
        var roles = await users.GetRolesAsync(official);
        Required = options.Value.TwoFactorRoles.Intersect(roles).Any();
        RecoveryCodesLeft = TwoFactorEnabled ? await users.CountRecoveryCodesAsync(official) : 0;
        if (TwoFactorEnabled) return;
        var key = await users.GetAuthenticatorKeyAsync(official);
        if (string.IsNullOrEmpty(key))
        {
            // A new key renews the security stamp: sign in again with it, or this very session would end.
            await users.ResetAuthenticatorKeyAsync(official);
            await signIn.RefreshSignInAsync(official);
            key = await users.GetAuthenticatorKeyAsync(official);
        }
        SharedKey = FormatKey(key!);
        var label = Uri.EscapeDataString("CchcSurvey:" + official.Email);
        QrSvg = QrCodes.Svg($"otpauth://totp/{label}?secret={key}&issuer=CchcSurvey&digits=6", pixelsPerModule: 4);
        Response.Headers.CacheControl = "no-store";
    }

    /// <summary>The base32 key in groups of four, lower case, as authenticator apps accept it typed.</summary>
    private static string FormatKey(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0) text.Append(' ');
            text.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }
        return text.ToString().ToLowerInvariant();
    }
}
