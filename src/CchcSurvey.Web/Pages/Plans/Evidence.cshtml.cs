using CchcSurvey.Web.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Plans;

/// <summary>
/// /plans/{code}/evidence/{id}: an evidence file, only to officials who see its task (404 otherwise). Sent as an
/// attachment with the type its bytes were checked to be, never rendered inline by the browser.
/// </summary>
public sealed class EvidenceModel(PlanService plans, EvidenceStore store) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string code, long id, CancellationToken ct)
    {
        var view = await plans.ViewAsync(code, DateOnly.MaxValue, withFigures: false, ct);
        var file = view?.Tasks.SelectMany(t => t.History).SelectMany(h => h.Evidence).FirstOrDefault(e => e.Id == id);
        if (file is null) return NotFound();
        var stream = store.Open(file);
        if (stream is null) return NotFound();
        Response.Headers["X-Content-Type-Options"] = "nosniff";
        return File(stream, file.ContentType, file.FileName);
    }
}
