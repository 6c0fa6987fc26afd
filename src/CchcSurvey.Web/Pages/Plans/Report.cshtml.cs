using System.Globalization;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Plans;

/// <summary>
/// /plans/{code}/report?asOf=: the progress report in the shape of a Vietnamese administrative report, printable to
/// A4; <c>&amp;format=docx</c> gives the same report as a Word document to edit before signing.
/// </summary>
public sealed class ReportModel(PlanService plans, LocalClock clock) : PageModel
{
    public PlanReport Report { get; private set; } = null!;

    [BindProperty(SupportsGet = true)] public string? AsOf { get; set; }
    [BindProperty(SupportsGet = true)] public string? Format { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        var asOf = clock.Today();
        if (!string.IsNullOrEmpty(AsOf) && !DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf))
            return BadRequest($"Ngày '{AsOf}' không phải là ngày (yyyy-MM-dd).");
        if (Format is not (null or "" or "docx")) return BadRequest("format phải là docx.");
        var view = await plans.ViewAsync(code, asOf, withFigures: true, ct);
        if (view is null) return NotFound();
        Report = new PlanReport(view, clock.Today());
        if (Format == "docx")
            return File(PlanReportDocx.Write(Report), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                $"bao-cao-{view.Plan.Code}-{asOf:yyyy-MM-dd}.docx");
        return Page();
    }
}
