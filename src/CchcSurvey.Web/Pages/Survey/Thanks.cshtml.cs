using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>The thank-you page after a QR submission (Post/Redirect/Get), linking to the receipt.</summary>
public sealed class ThanksModel(SurveyResolver resolver) : PageModel
{
    public Guid SubmissionId { get; private set; }

    public string CultureSuffix { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string counter, Guid submissionId, CancellationToken ct)
    {
        SubmissionId = submissionId;
        var culture = Request.Query["culture"].ToString();
        if (culture is "en" or "vi") CultureSuffix = "?culture=" + culture;
        SurveyFormModel.RememberCulture(HttpContext);
        if (await resolver.CounterAsync(counter, SurveyCaching.None, ct) is { } found)
        {
            ViewData["UnitName"] = found.Unit.Name;
            ViewData["CounterName"] = found.Name;
        }
        return Page();
    }
}
