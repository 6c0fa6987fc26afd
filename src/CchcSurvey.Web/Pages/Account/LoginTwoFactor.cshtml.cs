using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Account;

/// <summary>
/// The second step of signing in: the six-digit code of the authenticator app, or one of the recovery codes
/// (each works once). Wrong codes count towards the same lockout as wrong passwords.
/// </summary>
public sealed class LoginTwoFactorModel(SignInManager<Official> signIn, IStringLocalizer<SharedResource> text, AuditLog audit) : PageModel
{
    public string? Error { get; private set; }
    public string ReturnUrl { get; private set; } = "/dashboard";

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        return await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/Login") : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, string? returnUrl)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        var official = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (official is null) return RedirectToPage("/Account/Login");
        var typed = new string((code ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (typed.Length == 0)
        {
            Error = text["Hãy nhập mã từ ứng dụng xác thực hoặc một mã khôi phục."];
            return Page();
        }
        var digits = typed.Replace("-", "", StringComparison.Ordinal);
        var byApp = digits.Length == 6 && digits.All(char.IsAsciiDigit);
        var result = byApp
            ? await signIn.TwoFactorAuthenticatorSignInAsync(digits, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(typed);
        var actor = official.Email ?? AuditLog.Anonymous;
        if (result.Succeeded)
        {
            await audit.WriteAsync(actor, AuditActions.SignIn, actor, byApp ? "two-factor: authenticator" : "two-factor: recovery code", HttpContext.RequestAborted);
            if (!byApp)
                await audit.WriteAsync(actor, AuditActions.RecoveryCodeUsed, actor,
                    $"{await signIn.UserManager.CountRecoveryCodesAsync(official)} left", HttpContext.RequestAborted);
            return LocalRedirect(ReturnUrl);
        }
        if (result.IsLockedOut)
        {
            await audit.WriteAsync(actor, AuditActions.Lockout, actor, "locked after repeated wrong two-factor codes", HttpContext.RequestAborted);
            Error = text["Tài khoản tạm khoá do đăng nhập sai nhiều lần. Hãy thử lại sau 15 phút."];
        }
        else
        {
            await audit.WriteAsync(actor, AuditActions.SignInFailed, actor, "wrong two-factor code", HttpContext.RequestAborted);
            Error = text["Mã không đúng hoặc đã hết hạn."];
        }
        return Page();
    }

    private string SafeReturnUrl(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/dashboard";
}
