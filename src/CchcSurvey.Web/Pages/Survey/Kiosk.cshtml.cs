using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>
/// <c>/kiosk/{counter}</c>: the form on the counter's enrolled tablet, big buttons, channel kiosk. With JavaScript
/// (kiosk.js) each answer waits in the tablet's IndexedDB until the API acknowledged it, so the page works offline
/// after its first load (kiosk-sw.js caches it). Without JavaScript the form posts here as before. Either way only
/// an enrolled tablet of this counter may store a kiosk answer (<see cref="KioskCredentials"/>).
/// </summary>
[EnableRateLimiting(SubmissionRateLimiting.Policy)]
[RequestSizeLimit(SurveyFormModel.MaxBodyBytes)]
[RequestFormLimits(ValueCountLimit = SurveyFormModel.MaxFormValues)]
public sealed class KioskModel(SurveyFormServices services, KioskCredentials kiosks, IOptions<KioskOptions> options)
    : SurveyFormModel(services)
{
    public override string Channel => "kiosk";

    public override bool IsKiosk => true;

    /// <summary>Whether this browser holds a valid credential of this counter's tablet.</summary>
    public KioskVerdict Verdict { get; private set; } = new(KioskCheck.Missing);

    public KioskOptions Settings => options.Value;

    protected override async Task<IActionResult?> LoadTargetAsync(bool posting, CancellationToken ct)
    {
        if (await base.LoadTargetAsync(posting, ct) is { } page) return page;
        Verdict = await kiosks.CheckAsync(HttpContext, Counter!, ct);
        if (!Verdict.IsEnrolled)
            return posting ? Refused(S[KioskCredentials.Message(Verdict.Check)]) : null;
        // Browsers cap a cookie's life at 400 days: every load of the kiosk page renews it.
        var device = DeviceCookie.Read(HttpContext);
        if (!posting && !string.IsNullOrEmpty(device)) kiosks.SetCookie(HttpContext, Verdict.TabletId!.Value, Counter!.Code, device);
        return null;
    }
}
