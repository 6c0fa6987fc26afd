using System.Text.Json;
using System.Text.Json.Nodes;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Security;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// <c>GET /api/v1/units/{code}/planning</c>: the planning figures of the dashboard and the report over JSON — responses
/// against imported dossier counts, the sample size for ±5 points, the 766-style points and, with <c>weight=profile</c>,
/// the post-stratified share (<see cref="FiguresService.PlanningAsync"/>). Outside the caller's scope every unit answers 404.
/// </summary>
public static class PlanningApi
{
    public static void MapPlanningApi(this RouteGroupBuilder units)
    {
        units.MapGet("/planning", async (string code, HttpRequest request, OfficialScope scope, FiguresService figures, Surveys.InstrumentRegistry registry,
            IConfiguration configuration, CancellationToken ct) =>
        {
            // The same filter parser as the indices and the ranking; weight is one of its names (none or profile).
            if (!IndexApi.TryParseFigureFilter(request, out FigureFilter parsed, out var problem)) return problem;
            var (filter, weighted) = (parsed.IndexFilter, parsed.WeightProfile);
            var unit = await scope.FindVisibleUnitAsync(code, ct);
            if (unit is null) return Problems.NotFound($"No unit '{code}'.");
            var current = await figures.InstrumentsAsync(ct);
            var instrumentCode = request.Query["instrument"].ToString() is { Length: > 0 } given ? given : registry.Default(current)?.Code ?? "";
            if (current.All(i => i.Code != instrumentCode)) return Problems.Invalid($"No published instrument '{instrumentCode}'.", "instrument");
            return Results.Json(await figures.PlanningAsync(unit, instrumentCode, filter, weighted, PlanningOptions.From(configuration), ct));
        })
            .WithQuery([("instrument", "Questionnaire code; the default instrument (`Survey:DefaultInstrument`) when left out."), .. ApiDocumentation.FigureFilters,
                ("weight", "`profile` adds the post-stratified share (docs/methodology.md §4.13) as `weighted`; `none` (the default) leaves it out.")])
            .Produces<FiguresService.Planning>()
            .Describe("Figures", "getUnitPlanning", "A unit's sample size, response rate and 766 points",
                "For the unit's whole subtree, one questionnaire and one calendar period: `responses` against the imported `dossiers` " +
                "(null when none is imported; then no `response_rate`), `more_than_dossiers` when the rate is above 1 (an integrity flag, " +
                "docs/methodology.md §4.15), the sample size n = N/(1 + N·e²) for ±5 points (§4.14; without dossiers N → ∞, n = 1/e²) with " +
                "`needed` (n rounded up) and `missing`, the overall item's satisfied share and its 766-style points (§4.15; null when the " +
                "share is hidden), and with `weight=profile` the post-stratified share with its Wilson interval on Kish's effective n " +
                "(§4.13) next to the unweighted one, or `weighted_note` saying why there is none. Outside the caller's scope, or unknown: 404.", 400, 404)
            .WithExamples(
                new ApiExample("district", "A district's planning figures for 2026, weighted", 200, new Dictionary<string, string> { ["code"] = "VQ", ["from"] = "2026-01-01", ["to"] = "2026-12-31", ["weight"] = "profile" }),
                new ApiExample("bad-weight", "A weighting that does not exist", 400, new Dictionary<string, string> { ["code"] = "VQ", ["weight"] = "age" },
                    Response: ApiDocumentation.Problem(400, "Invalid request", "weight must be none or profile.", new Dictionary<string, string[]> { ["weight"] = ["weight must be none or profile."] })),
                new ApiExample("outside", "A unit outside the token's scope", 404, new Dictionary<string, string> { ["code"] = "XX-NONE" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No unit 'XX-NONE'.")));
    }

    /// <summary>
    /// An instrument's report as the indices give it, with <c>weighted</c> (the post-stratified share, or null) and
    /// <c>weighted_note</c> (why there is none) added: what <c>weight=profile</c> asks of the indices.
    /// </summary>
    public static async Task<JsonObject> WithWeightedAsync(FiguresService figures, Data.Unit unit, string instrument, IndexFilter filter, HttpRequest request, CancellationToken ct)
    {
        var report = await figures.ReportAsync(unit, instrument, filter, ct);
        var options = PlanningOptions.From(request.HttpContext.RequestServices.GetRequiredService<IConfiguration>());
        var planning = await figures.PlanningAsync(unit, instrument, filter, true, options, ct);
        var json = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var node = JsonSerializer.SerializeToNode(report, json)!.AsObject();
        node["weighted"] = JsonSerializer.SerializeToNode(planning.Weighted, json);
        node["weighted_note"] = planning.WeightedNote;
        return node;
    }
}
