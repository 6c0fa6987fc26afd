using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Account;

public sealed class LoginModel(SignInManager<Official> signIn, IStringLocalizer<SharedResource> text, AuditLog audit) : PageModel
{
    public string? Error { get; private set; }
    public string? Email { get; private set; }
    public string ReturnUrl { get; private set; } = "/dashboard";

    public void OnGet(string? returnUrl) => ReturnUrl = SafeReturnUrl(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        Email = email;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            Error = text["Hãy nhập thư điện tử và mật khẩu."];
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
        // The typed name is logged only when it is a real account: people sometimes type their password
        // into the e-mail field, and the audit log must never hold a password.
        var account = await signIn.UserManager.FindByNameAsync(email);
        var actor = account?.Email ?? AuditLog.Anonymous;
        if (result.Succeeded)
        {
            await audit.WriteAsync(actor, AuditActions.SignIn, actor, "", HttpContext.RequestAborted);
            return LocalRedirect(ReturnUrl);
        }
        // The password was right; the authenticator code comes next (the sign-in is audited there).
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Account/LoginTwoFactor", new { returnUrl = ReturnUrl });
        if (result.IsLockedOut)
            await audit.WriteAsync(actor, AuditActions.Lockout, actor, "locked after repeated failed sign-ins", HttpContext.RequestAborted);
        else
            await audit.WriteAsync(actor, AuditActions.SignInFailed, account is null ? "" : actor,
                account is null ? "unknown account" : result.IsNotAllowed ? "not allowed" : "wrong password", HttpContext.RequestAborted);
        Error = result.IsLockedOut
            ? text["Tài khoản tạm khoá do đăng nhập sai nhiều lần. Hãy thử lại sau 15 phút."]
            : text["Thư điện tử hoặc mật khẩu không đúng."];
        return Page();
    }

    private string SafeReturnUrl(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/dashboard";
}
