using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary><c>/kiosk/{counter}</c>: the same form on the counter's tablet, big buttons, channel kiosk.</summary>
[EnableRateLimiting(SubmissionRateLimiting.Policy)]
[RequestSizeLimit(SurveyFormModel.MaxBodyBytes)]
[RequestFormLimits(ValueCountLimit = SurveyFormModel.MaxFormValues)]
public sealed class KioskModel(SurveyDbContext db, InstrumentRegistry registry, SubmissionService submissions, IStringLocalizer<SurveyResource> s)
    : SurveyFormModel(db, registry, submissions, s)
{
    public override string Channel => "kiosk";
}
