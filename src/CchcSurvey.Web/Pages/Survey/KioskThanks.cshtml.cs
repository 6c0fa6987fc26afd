using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>The kiosk's thank-you page: returns to a fresh form after a few seconds (meta refresh, no JavaScript needed).</summary>
public sealed class KioskThanksModel(SurveyResolver resolver) : PageModel
{
    public const int ReturnAfterSeconds = 5;

    public string ReturnUrl { get; private set; } = "/";

    public async Task<IActionResult> OnGetAsync(string counter, CancellationToken ct)
    {
        var found = await resolver.CounterAsync(counter, SurveyCaching.None, ct);
        if (found is null) return NotFound();
        ViewData["UnitName"] = found.Unit.Name;
        ViewData["CounterName"] = found.Name;
        // Back to a fresh form of the counter, in Vietnamese again for the next citizen (resets the culture cookie).
        ReturnUrl = "/kiosk/" + Uri.EscapeDataString(found.Code) + "?culture=vi";
        return Page();
    }
}
