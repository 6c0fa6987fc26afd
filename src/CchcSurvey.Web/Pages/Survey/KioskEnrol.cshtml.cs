using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>
/// <c>/kiosk-enrol/{code}</c>: the enrolment link (QR code) from <c>/admin/kiosks</c> or <c>kiosk add</c>, opened once on
/// the tablet. A valid, unused, unexpired code becomes the tablet's credential cookie and the browser goes on to
/// <c>/kiosk/{counter}</c>; anything else is a Vietnamese page (404) and changes nothing. A GET, because the contract
/// says opening the URL enrols; the code is single-use and short-lived, so a link previewer that opens it first only
/// costs a new link.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class KioskEnrolModel(KioskCredentials kiosks, AuditLog audit) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        ViewData["BodyClass"] = "citizen kiosk";
        var tablet = await kiosks.RedeemAsync(code, ct);
        if (tablet is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        // The credential is bound to this browser's device cookie; create it here if the browser has none yet.
        // (the server-signed device cookie: a made-up one counts as none, so the binding cannot be forged either).
        DeviceCookie.Ensure(HttpContext);
        var device = DeviceCookie.Read(HttpContext)!;
        kiosks.SetCookie(HttpContext, tablet.Id, tablet.Counter.Code, device);
        await audit.WriteAsync(AuditLog.Anonymous, AuditActions.KioskEnrol, $"kiosk:{tablet.Id}", $"{tablet.Counter.Code}: {tablet.Name}", ct);
        Response.Headers.CacheControl = "no-store";
        return Redirect("/kiosk/" + Uri.EscapeDataString(tablet.Counter.Code));
    }
}
