using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>
/// <c>/t/{token}</c>: the survey of one dossier's single-use token (printed on the receipt slip), at the token's
/// counter with its default instrument, channel qr. Unknown → 404; expired → 409 with a clear message. A used
/// token's page looks exactly like an unused one's (the form), so whoever printed the slip cannot poll whether
/// the citizen answered (METHODOLOGY §6, Unlinkable); only a second submission is refused, with 409.
/// The token is redeemed only when the response is stored (see <see cref="ResponseWriter"/>).
/// </summary>
[EnableRateLimiting(SubmissionRateLimiting.Policy)]
[RequestSizeLimit(SurveyFormModel.MaxBodyBytes)]
[RequestFormLimits(ValueCountLimit = SurveyFormModel.MaxFormValues)]
public sealed class TokenModel(SurveyFormServices services) : SurveyFormModel(services)
{
    public override string Channel => "qr";

    private string? _token;

    protected override string? TokenForSubmission => _token;

    protected override async Task<bool> TokenExpiredAsync(CancellationToken ct) =>
        (await Resolver.TokenAsync(_token, ct)).State == TokenState.Expired;

    protected override async Task<IActionResult?> LoadTargetAsync(bool posting, CancellationToken ct)
    {
        _token = RouteData.Values["token"]?.ToString();
        var (state, counter) = await Resolver.TokenAsync(_token, ct);
        var unknown = S["Mã khảo sát không đúng. Vui lòng quét lại mã QR in trên phiếu hẹn, hoặc quét mã QR dán tại quầy."].Value;
        if (state == TokenState.Unknown || counter is null) return NotFoundPage(unknown);
        Counter = counter;
        // A used token shows the form like an unused one; a post with it goes to the writer, which tells a retry of
        // the same answers (thank-you page) from a second submission (409).
        if (!posting && state == TokenState.Expired) return TokenUnavailablePage(used: false);
        return await LoadInstrumentAsync(null, ct) ? null : NotFoundPage(unknown);
    }
}
