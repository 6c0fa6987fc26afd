using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Account;

/// <summary>
/// Signing out (a form post with its antiforgery token, from the menu). A cookie is a bearer credential that a
/// copy of survives the browser's deleting it, so the account's security stamp is renewed too: the old cookie
/// (this one and any other of the account's sessions) opens nothing at its next request.
/// </summary>
public sealed class LogoutModel(SignInManager<Official> signIn, AuditLog audit) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await signIn.UserManager.GetUserAsync(User) is { } official)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(official);
            await audit.WriteAsync(User, AuditActions.SignOut, official.Email, "", ct);
        }
        await signIn.SignOutAsync();
        return Redirect("/");
    }
}
