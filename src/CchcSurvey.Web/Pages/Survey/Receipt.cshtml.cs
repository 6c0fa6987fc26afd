using System.Globalization;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary><c>/r/{submissionId}</c>: "your answer was recorded", with the local date only (no time).</summary>
public sealed class ReceiptModel(SurveyDbContext db, LocalClock clock) : PageModel
{
    public DateOnly? Date { get; private set; }

    public string DateText => Date is not { } date ? ""
        : CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en"
            ? date.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en"))
            : date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(string submissionId, CancellationToken ct)
    {
        SurveyFormModel.RememberCulture(HttpContext);
        if (Guid.TryParse(submissionId, out var id))
        {
            var hour = await db.Responses.AsNoTracking().Where(r => r.SubmissionId == id)
                .Select(r => (DateTime?)r.SubmittedHourUtc).FirstOrDefaultAsync(ct);
            if (hour is { } h) Date = DateOnly.FromDateTime(clock.ToLocal(h));
        }
        if (Date is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
