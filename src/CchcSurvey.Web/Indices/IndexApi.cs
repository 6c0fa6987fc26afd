using System.Globalization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// Officials' figures over JSON: <c>/api/v1/units/{code}/indices</c> and <c>/ranking</c>, in the shape of the
/// reference expected.json. Outside the caller's scope every unit answers 404.
/// </summary>
public static class IndexApi
{
    public static void MapIndexApi(this IEndpointRouteBuilder app)
    {
        var units = app.MapGroup("/api/v1/units/{code}").RequireAuthorization(Policies.Official);

        units.MapGet("/indices", async (string code, HttpRequest request, OfficialScope scope, FiguresService figures, CancellationToken ct) =>
        {
            if (!TryParseFigureFilter(request, out FigureFilter parsed, out var problem)) return problem;
            var filter = parsed.IndexFilter;
            var unit = await scope.FindVisibleUnitAsync(code, ct);
            if (unit is null) return Api.Problems.NotFound($"No unit '{code}'.");
            var instrument = request.Query["instrument"].ToString();
            var instruments = (await figures.InstrumentsAsync(ct)).Select(i => i.Code).ToList();
            if (instrument.Length > 0 && !instruments.Contains(instrument))
                return Api.Problems.Invalid($"No published instrument '{instrument}'.", "instrument");

            // Complementary suppression in time and across units: no hidden month comes back as its quarter or year minus
            // the others, no hidden child as its parent minus its siblings.
            // weight=profile adds the post-stratified share (§4.13) beside the report's own figures (PlanningApi).
            var weighted = parsed.WeightProfile;
            if (instrument.Length > 0)
                return weighted ? Results.Json(await PlanningApi.WithWeightedAsync(figures, unit, instrument, filter, request, ct))
                    : Results.Json(await figures.ReportAsync(unit, instrument, filter, ct));
            var all = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var code2 in instruments)
                all[code2] = weighted ? await PlanningApi.WithWeightedAsync(figures, unit, code2, filter, request, ct) : await figures.ReportAsync(unit, code2, filter, ct);
            return Results.Json(all);
        })
            .WithQuery([("instrument", "One questionnaire code; all published ones when left out."), .. ApiDocumentation.FigureFilters, ApiDocumentation.UnitsView,
                ("weight", "`profile` adds `weighted` (the post-stratified share, docs/methodology.md §4.13) and `weighted_note` to each report; `none` by default.")])
            .Produces<Dictionary<string, InstrumentReport>>()
            .Describe(Tag, "getUnitIndices", "A unit's figures",
                "Every figure of docs/methodology.md for the unit's whole subtree, per questionnaire code (with `instrument`: that " +
                "questionnaire's report alone, not wrapped in an object). `from`/`to` are local dates (inclusive), `channel` narrows to " +
                "qr, kiosk, paper or web, `includeFlagged=false` leaves suspect responses out. A figure with n below MinN has null value " +
                "and interval, its n kept. Outside the caller's scope, or unknown: 404.", 400, 404)
            .WithExamples(
                new ApiExample("district", "A district's figures for 2026", 200, new Dictionary<string, string> { ["code"] = "VQ", ["from"] = "2026-01-01", ["to"] = "2026-12-31" }),
                new ApiExample("bad-date", "A date that is not yyyy-MM-dd", 400, new Dictionary<string, string> { ["code"] = "VQ", ["from"] = "01/02/2026" },
                    Response: ApiDocumentation.Problem(400, "Invalid request", "from must be a date yyyy-MM-dd.", new Dictionary<string, string[]> { ["from"] = ["from must be a date yyyy-MM-dd."] })),
                new ApiExample("outside", "A unit that does not exist or is outside the token's scope", 404, new Dictionary<string, string> { ["code"] = "XX-NONE" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No unit 'XX-NONE'.")));

        units.MapGet("/ranking", async (string code, HttpRequest request, OfficialScope scope, FiguresService figures, Surveys.InstrumentRegistry registry, CancellationToken ct) =>
        {
            if (!TryParseFigureFilter(request, out FigureFilter parsed, out var problem)) return problem;
            var (filter, unitsView) = (parsed.IndexFilter, parsed.Units);
            var unit = await scope.FindVisibleUnitAsync(code, ct);
            if (unit is null) return Api.Problems.NotFound($"No unit '{code}'.");
            var current = await figures.InstrumentsAsync(ct);
            var instrumentCode = request.Query["instrument"].ToString() is { Length: > 0 } given ? given : registry.Default(current)?.Code ?? "";
            var instrument = current.FirstOrDefault(i => i.Code == instrumentCode);
            if (instrument is null) return Api.Problems.Invalid($"No published instrument '{instrumentCode}'.", "instrument");
            var item = request.Query["item"].ToString() is { Length: > 0 } itemGiven ? itemGiven : DefaultRankingItem(instrument.Definition);
            if (instrument.Definition.FindItem(item) is not { Type: AnswerType.Likert5 or AnswerType.Likert3 })
                return Api.Problems.Invalid($"'{item}' is not a rating item of {instrumentCode}.", "item");

            // A child whose share is hidden (below MinN, in time or across units) is listed as insufficient.
            // units=then: the children as they were in the period (HistoricalUnits), protected over the same families.
            var view = await figures.UnitsAsync(unit, unitsView, IndexQueries.PeriodOf(filter), ct);
            return Results.Json(await figures.RankAsync(unit, view, instrumentCode, item, filter, ct));
        })
            .WithQuery([("instrument", "Questionnaire code; the default instrument (`Survey:DefaultInstrument`) when left out."), ("item", "A rating item of the questionnaire; its overall item when left out."), .. ApiDocumentation.FigureFilters, ApiDocumentation.UnitsView])
            .Produces<RankingResult>()
            .Describe(Tag, "getUnitRanking", "Ranking of a unit's children",
                "Empirical-Bayes ranking (docs/methodology.md §4.11) of the unit's children on a rating item's satisfied share; a child " +
                "whose share is hidden (n below MinN, or complementary suppression in time or across units) is listed as insufficient " +
                "(`instrument` defaults to the default instrument, `Survey:DefaultInstrument`, `item` to its overall satisfaction item). Outside the caller's scope, or unknown: 404.", 400, 404)
            .WithExamples(
                new ApiExample("communes", "The district's communes on the quick rating", 200, new Dictionary<string, string> { ["code"] = "VQ", ["instrument"] = "NHANH" }),
                new ApiExample("not-a-rating", "An item that is not a rating", 400, new Dictionary<string, string> { ["code"] = "VQ", ["instrument"] = "NHANH", ["item"] = "GOP_Y" },
                    Response: ApiDocumentation.Problem(400, "Invalid request", "'GOP_Y' is not a rating item of NHANH.", new Dictionary<string, string[]> { ["item"] = ["'GOP_Y' is not a rating item of NHANH."] })),
                new ApiExample("outside", "A unit outside the token's scope", 404, new Dictionary<string, string> { ["code"] = "XX-NONE" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No unit 'XX-NONE'.")));

        units.MapPlanningApi();
    }

    private const string Tag = "Figures";

    /// <summary>The overall satisfaction item an instrument is ranked on by default.</summary>
    public static string DefaultRankingItem(InstrumentDefinition definition) => FiguresService.DefaultRankingItem(definition);

    /// <summary>
    /// Reads the period, channel and includeFlagged with <see cref="FigureFilter.Parse"/>, the parser of every figure
    /// view; a bad value is a 400 problem naming the first bad parameter. The period is a calendar month, quarter or
    /// year, or all time (METHODOLOGY §6, No differencing): <c>period=2026-03</c>, <c>2026-Q1</c>, <c>2026</c>, or
    /// <c>from</c>/<c>to</c> (yyyy-MM-dd, inclusive) that are exactly such a period's first and last days.
    /// </summary>
    public static bool TryParseFilter(HttpRequest request, out IndexFilter filter, out IResult problem)
    {
        var ok = TryParseFigureFilter(request, out FigureFilter parsed, out problem);
        filter = ok ? parsed.IndexFilter : new IndexFilter(null, null, null);
        return ok;
    }

    /// <summary>The same, with every filter as parsed: also the <c>units</c> view (<see cref="HistoricalUnits"/>) and <c>weight</c>.</summary>
    public static bool TryParseFigureFilter(HttpRequest request, out FigureFilter parsed, out IResult problem)
    {
        problem = Results.Empty;
        if (TryParse(request.Query, out parsed, out var error)) return true;
        problem = Api.Problems.Invalid(error.Message, error.Field);
        return false;
    }

    private static bool TryParse(IQueryCollection query, out FigureFilter filter, out FilterError error)
    {
        var errors = new List<FilterError>();
        // In the API "period" is always the calendar period; month and quarter are the dashboard's old trend names.
        if (query["period"].ToString() is "month" or "quarter")
            errors.Add(new("period", $"period '{query["period"]}' is not a calendar period. Allowed: {CalendarPeriod.Allowed}."));
        filter = FigureFilter.Parse(query, CalendarPeriod.AllTime, errors);
        // The trend's buckets belong to the dashboard; the API has no trend.
        errors.RemoveAll(e => e.Field == "trend");
        error = errors.FirstOrDefault()!;
        return errors.Count == 0;
    }
}
