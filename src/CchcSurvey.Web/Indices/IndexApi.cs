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

        units.MapGet("/indices", async (string code, HttpRequest request, OfficialScope scope, IndexQueries queries, InstrumentRegistry registry, SurveyDbContext db, CancellationToken ct) =>
        {
            if (!TryParseFilter(request, out var filter, out var problem)) return problem;
            var unit = await scope.FindVisibleUnitAsync(code, ct);
            if (unit is null) return Api.Problems.NotFound($"No unit '{code}'.");
            var instrument = request.Query["instrument"].ToString();
            var instruments = (await registry.CurrentAsync(db, ct)).Select(i => i.Code).ToList();
            if (instrument.Length > 0 && !instruments.Contains(instrument))
                return Api.Problems.Invalid($"No published instrument '{instrument}'.", "instrument");

            // Complementary suppression in time: no hidden month comes back as its quarter or year minus the others.
            if (instrument.Length > 0)
                return Results.Json(await queries.ReportAsync(unit, instrument, filter, ct));
            var all = new Dictionary<string, InstrumentReport>(StringComparer.Ordinal);
            foreach (var code2 in instruments)
                all[code2] = await queries.ReportAsync(unit, code2, filter, ct);
            return Results.Json(all);
        })
            .WithQuery([("instrument", "One questionnaire code; all published ones when left out."), .. ApiDocumentation.FigureFilters])
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

        units.MapGet("/ranking", async (string code, HttpRequest request, OfficialScope scope, IndexQueries queries, InstrumentRegistry registry, SurveyDbContext db, CancellationToken ct) =>
        {
            if (!TryParseFilter(request, out var filter, out var problem)) return problem;
            var unit = await scope.FindVisibleUnitAsync(code, ct);
            if (unit is null) return Api.Problems.NotFound($"No unit '{code}'.");
            var instrumentCode = request.Query["instrument"].ToString() is { Length: > 0 } given ? given : (await registry.DefaultAsync(db, ct))?.Code ?? "";
            var instrument = await registry.FindAsync(db, instrumentCode, null, ct);
            if (instrument is null) return Api.Problems.Invalid($"No published instrument '{instrumentCode}'.", "instrument");
            var item = request.Query["item"].ToString() is { Length: > 0 } itemGiven ? itemGiven : DefaultRankingItem(instrument.Definition);
            if (instrument.Definition.FindItem(item) is not { Type: AnswerType.Likert5 or AnswerType.Likert3 })
                return Api.Problems.Invalid($"'{item}' is not a rating item of {instrumentCode}.", "item");

            var children = await queries.ChildrenAsync(unit, ct);
            var satisfied = await queries.SatisfiedAsync(children, instrumentCode, item, filter, ct);
            var inputs = children.Select(c => new RankingInput(c.Code, satisfied[c.Id].Satisfied, satisfied[c.Id].N)).ToList();
            return Results.Json(Ranking.EmpiricalBayes(item, inputs, queries.Options));
        })
            .WithQuery([("instrument", "Questionnaire code; the default instrument (`Survey:DefaultInstrument`) when left out."), ("item", "A rating item of the questionnaire; its overall item when left out."), .. ApiDocumentation.FigureFilters])
            .Produces<RankingResult>()
            .Describe(Tag, "getUnitRanking", "Ranking of a unit's children",
                "Empirical-Bayes ranking (docs/methodology.md §4.11) of the unit's children on a rating item's satisfied share " +
                "(`instrument` defaults to the default instrument, `Survey:DefaultInstrument`, `item` to its overall satisfaction item). Outside the caller's scope, or unknown: 404.", 400, 404)
            .WithExamples(
                new ApiExample("communes", "The district's communes on the quick rating", 200, new Dictionary<string, string> { ["code"] = "VQ", ["instrument"] = "NHANH" }),
                new ApiExample("not-a-rating", "An item that is not a rating", 400, new Dictionary<string, string> { ["code"] = "VQ", ["instrument"] = "NHANH", ["item"] = "GOP_Y" },
                    Response: ApiDocumentation.Problem(400, "Invalid request", "'GOP_Y' is not a rating item of NHANH.", new Dictionary<string, string[]> { ["item"] = ["'GOP_Y' is not a rating item of NHANH."] })),
                new ApiExample("outside", "A unit outside the token's scope", 404, new Dictionary<string, string> { ["code"] = "XX-NONE" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No unit 'XX-NONE'.")));
    }

    private const string Tag = "Figures";

    /// <summary>The overall satisfaction item an instrument is ranked on by default.</summary>
    public static string DefaultRankingItem(InstrumentDefinition definition) =>
        definition.OverallItem?.Code ?? definition.Items.First(i => i.IsLikert).Code;

    /// <summary>
    /// Reads the period, channel and includeFlagged; a bad value is a 400 problem. The period is a calendar month,
    /// quarter or year, or all time (METHODOLOGY §6, No differencing): <c>period=2026-03</c>, <c>2026-Q1</c>, <c>2026</c>,
    /// or <c>from</c>/<c>to</c> (yyyy-MM-dd, inclusive) that are exactly such a period's first and last days.
    /// </summary>
    public static bool TryParseFilter(HttpRequest request, out IndexFilter filter, out IResult problem)
    {
        filter = new IndexFilter(null, null, null);
        problem = Results.Empty;
        if (!TryParsePeriod(request.Query, out var period, out var error, out var field))
        {
            problem = Api.Problems.Invalid(error, field);
            return false;
        }
        var channel = request.Query["channel"].ToString();
        if (channel.Length > 0 && !Channels.IsValid(channel))
        {
            problem = Api.Problems.Invalid($"channel must be one of {string.Join(", ", Channels.All)}.", "channel");
            return false;
        }
        // Flagged responses count only when asked for (METHODOLOGY §6).
        var includeFlagged = false;
        var flagged = request.Query["includeFlagged"].ToString();
        if (flagged.Length > 0 && !bool.TryParse(flagged, out includeFlagged))
        {
            problem = Api.Problems.Invalid("includeFlagged must be true or false.", "includeFlagged");
            return false;
        }
        filter = new IndexFilter(period.From, period.To, channel.Length > 0 ? channel : null, includeFlagged);
        return true;
    }

    /// <summary>
    /// The calendar period of a query string: <c>period</c>, or <c>from</c> and <c>to</c> denoting exactly one month,
    /// quarter or year; neither is all time. Anything else (arbitrary days, one end only, both forms) is refused
    /// with a message saying what is allowed.
    /// </summary>
    public static bool TryParsePeriod(IQueryCollection query, out CalendarPeriod period, out string error, out string field)
    {
        period = CalendarPeriod.AllTime;
        error = "";
        field = "period";
        var periodText = query["period"].ToString();
        var fromText = query["from"].ToString();
        var toText = query["to"].ToString();
        if (periodText.Length > 0)
        {
            if (fromText.Length > 0 || toText.Length > 0)
            {
                error = "Give either period or from/to, not both. Allowed: " + CalendarPeriod.Allowed + ".";
                return false;
            }
            if (CalendarPeriod.TryParse(periodText, out period)) return true;
            error = $"period '{periodText}' is not a calendar period. Allowed: {CalendarPeriod.Allowed}.";
            return false;
        }
        DateOnly? from = null, to = null;
        foreach (var (name, text) in new[] { ("from", fromText), ("to", toText) })
        {
            if (text.Length == 0) continue;
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                error = $"{name} must be a date yyyy-MM-dd. Allowed: {CalendarPeriod.Allowed}.";
                field = name;
                return false;
            }
            if (name == "from") from = date; else to = date;
        }
        if (CalendarPeriod.TryFromDates(from, to, out period)) return true;
        error = $"from/to must cover exactly one calendar period. Allowed: {CalendarPeriod.Allowed}.";
        field = from is null ? "to" : "from";
        return false;
    }
}
