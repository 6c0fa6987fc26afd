using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CchcSurvey.Web.Pages.Survey;

/// <summary><c>/s/{counter}</c> and <c>/s/{counter}/{instrument}</c>: the survey behind the counter's QR code.</summary>
[EnableRateLimiting(SubmissionRateLimiting.Policy)]
[RequestSizeLimit(SurveyFormModel.MaxBodyBytes)]
[RequestFormLimits(ValueCountLimit = SurveyFormModel.MaxFormValues)]
public sealed class IndexModel(SurveyFormServices services) : SurveyFormModel(services)
{
    public override string Channel => "qr";
}
