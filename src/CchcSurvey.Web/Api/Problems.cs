namespace CchcSurvey.Web.Api;

/// <summary>
/// The RFC 9457 problem details every JSON endpoint answers bad input with: 400 with the offending field (a
/// validation problem) or without, and 404. One wording for all the APIs.
/// </summary>
public static class Problems
{
    internal static IResult Invalid(string detail, string? field = null) =>
        field is null
            ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: detail)
            : Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [detail] }, title: "Invalid request", detail: detail);

    internal static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);
}
