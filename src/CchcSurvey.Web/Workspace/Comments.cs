using System.Linq.Expressions;
using System.Text.Json;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;

namespace CchcSurvey.Web.Workspace;

/// <summary>
/// Comments are the GOP_Y text answers of every instrument. The stored answers are canonical JSON
/// (CchcSurvey.Core AnswerCodec: compact, a number directly followed by "," or "}"), so "has a comment" and
/// "has a low rating" are exact substring tests the database can run, and paging stays in SQL.
/// </summary>
public static class Comments
{
    public const string Item = "GOP_Y";

    /// <summary>Responses whose answers hold a non-empty comment.</summary>
    public static IQueryable<Response> WithComment(this IQueryable<Response> responses) =>
        responses.Where(r => r.AnswersJson.Contains("\"GOP_Y\":\"") && !r.AnswersJson.Contains("\"GOP_Y\":\"\""));

    /// <summary>
    /// Responses with a low overall rating, as each instrument's overall item defines low
    /// (<see cref="ItemDefinition.IsLow"/>: 1–2 on a five-level scale, 1 on a three-level one, whose 2 is "bình thường").
    /// One substring test per instrument and level, so the database still does the filtering.
    /// </summary>
    public static IQueryable<Response> WithLowRating(this IQueryable<Response> responses, IEnumerable<InstrumentDefinition> instruments)
    {
        var r = Expression.Parameter(typeof(Response), "r");
        var answers = Expression.Property(r, nameof(Response.AnswersJson));
        var code = Expression.Property(Expression.Property(r, nameof(Response.InstrumentVersion)), nameof(InstrumentVersion.Code));
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        Expression? any = null;
        // Instruments whose overall item has the same code and low levels share one test.
        foreach (var rule in instruments.Where(d => d.OverallItem is not null)
            .GroupBy(d => (d.OverallItem!.Code, d.OverallItem.LowUpTo ?? 0, Min: AnswerRules.IntegerRange(d.OverallItem.Type).Min)))
        {
            Expression? low = null;
            for (var level = rule.Key.Min; level <= rule.Key.Item2; level++)
                foreach (var end in new[] { ",", "}" })
                {
                    Expression test = Expression.Call(answers, contains, Expression.Constant($"\"{rule.Key.Code}\":{level}{end}"));
                    low = low is null ? test : Expression.OrElse(low, test);
                }
            if (low is null) continue;
            var codes = rule.Select(d => d.Code).Distinct().ToList();
            var ofInstrument = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expression.Constant(codes), code);
            var test2 = Expression.AndAlso(ofInstrument, low);
            any = any is null ? test2 : Expression.OrElse(any, test2);
        }
        return responses.Where(Expression.Lambda<Func<Response, bool>>(any ?? Expression.Constant(false), r));
    }

    /// <summary>The comment text and the overall rating (HL_CHUNG, else HL) of stored answers.</summary>
    public static (string? Text, int? Rating) Read(string answersJson)
    {
        using var document = JsonDocument.Parse(answersJson);
        var root = document.RootElement;
        string? text = root.TryGetProperty(Item, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        int? rating = root.TryGetProperty("HL_CHUNG", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32()
            : root.TryGetProperty("HL", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32() : null;
        return (text, rating);
    }

    /// <summary>Highest level of the instrument's overall rating (5 or 3); 5 when it has none.</summary>
    public static int ScaleOf(InstrumentDefinition? instrument) =>
        instrument?.OverallItem is { } overall ? AnswerRules.LevelCount(overall.Type) : 5;

    public static bool IsLow(int? rating, InstrumentDefinition? instrument) =>
        rating is int r && instrument?.OverallItem is { } overall && overall.IsLow(r);
}

/// <summary>Managers and administrators act (mark handled, tag, acknowledge, edit cases); viewers only read.</summary>
public static class WorkspaceRoles
{
    public static bool CanAct(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager);

    /// <summary>Ids of the units the signed-in official may see, as a subquery.</summary>
    public static async Task<IQueryable<int>> VisibleUnitIdsAsync(this OfficialScope scope, CancellationToken ct) =>
        (await scope.VisibleUnitsAsync(ct)).Select(u => u.Id);
}
