using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Pages.Admin;

/// <summary>An A5 poster with one counter's QR code, to print and hang at the counter.</summary>
public sealed class QrModel(SurveyDbContext db, QrCodes qr) : PageModel
{
    public QrPoster Poster { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string counterCode, CancellationToken ct)
    {
        var counter = await db.Counters.AsNoTracking().Include(c => c.Unit).FirstOrDefaultAsync(c => c.Code == counterCode, ct);
        if (counter is null) return NotFound();
        Poster = QrPoster.For(counter, counter.Unit, qr, Request);
        return Page();
    }
}
