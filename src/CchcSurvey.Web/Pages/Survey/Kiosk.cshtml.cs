using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary>
/// <c>/kiosk/{counter}</c>: the same form on the counter's tablet, big buttons. Its answers carry the channel
/// <see cref="ChannelPolicy.ForKioskPage"/> allows: kiosk only from an enrolled tablet, so today web (METHODOLOGY §6).
/// </summary>
[EnableRateLimiting(SubmissionRateLimiting.Policy)]
[RequestSizeLimit(SurveyFormModel.MaxBodyBytes)]
[RequestFormLimits(ValueCountLimit = SurveyFormModel.MaxFormValues)]
public sealed class KioskModel(SurveyDbContext db, InstrumentRegistry registry, SubmissionService submissions, IStringLocalizer<SurveyResource> s)
    : SurveyFormModel(db, registry, submissions, s)
{
    public override string Channel => ChannelPolicy.ForKioskPage(HttpContext);

    public override bool IsKiosk => true;
}
