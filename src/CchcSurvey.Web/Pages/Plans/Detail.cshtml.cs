using System.Globalization;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CchcSurvey.Web.Pages.Plans;

/// <summary>
/// /plans/{code}: criteria grouped by index with owners, targets, reported values and, for measured criteria, the
/// platform's figure now (with its interval), the quarter before and at the plan's start; the four buckets as of any
/// date; tasks overdue first. Managers record a criterion's value for a period here.
/// </summary>
public sealed class DetailModel(PlanService plans, LocalClock clock) : PageModel
{
    public PlanView View { get; private set; } = null!;
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)] public string? AsOf { get; set; }
    [BindProperty] public string? Criterion { get; set; }
    [BindProperty] public string? Period { get; set; }
    [BindProperty] public string? Value { get; set; }
    [BindProperty] public string? Note { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        if (!TryAsOf(out var asOf)) { Error = $"Ngày '{AsOf}' không phải là ngày (yyyy-MM-dd)."; asOf = clock.Today(); Response.StatusCode = 400; }
        var view = await plans.ViewAsync(code, asOf, withFigures: true, ct);
        if (view is null) return NotFound();
        View = view;
        return Page();
    }

    public async Task<IActionResult> OnPostValueAsync(string code, CancellationToken ct)
    {
        var result = await plans.RecordValueAsync(User, code, Criterion ?? "", Period, Value, Note, ct);
        if (result.Status == StatusCodes.Status404NotFound) return NotFound();
        if (result.Status == StatusCodes.Status403Forbidden) return StatusCode(StatusCodes.Status403Forbidden);
        if (result.Ok) return LocalRedirect($"/plans/{code}#criterion-{Criterion}");
        Error = result.Error;
        View = (await plans.ViewAsync(code, clock.Today(), withFigures: true, ct))!;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private bool TryAsOf(out DateOnly asOf)
    {
        asOf = clock.Today();
        return string.IsNullOrEmpty(AsOf) || DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf);
    }

    public static string Trend(CriterionView c)
    {
        if (c.Now?.Value is not double now || c.Previous?.Value is not double before) return "–";
        var clear = c.Now.Lo is double lo && c.Now.Hi is double hi && c.Previous.Lo is double plo && c.Previous.Hi is double phi && (lo > phi || hi < plo);
        var arrow = now > before ? "↑" : now < before ? "↓" : "→";
        return $"{arrow} {PlanReport.Number(now - before)}{(clear ? "" : " (chưa rõ khác biệt)")}";
    }
}
