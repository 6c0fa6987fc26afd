using CchcSurvey.Web.Api;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Organisation;

/// <summary>
/// <c>GET /api/v1/units/{code}</c> → <c>{code, name, level, parent, active, successor, predecessors}</c> (CONTRACT
/// "Reorganising units"). Like every unit read it needs an official and answers 404 outside the official's scope;
/// a related unit (parent, successor, predecessor) outside the scope is left out (null, or missing from the list),
/// so that the answer names no unit the caller may not see.
/// </summary>
public static class UnitApi
{
    public sealed record UnitInfo(string Code, string Name, string Level, string? Parent, bool Active, string? Successor, IReadOnlyList<string> Predecessors);

    public static void MapUnitApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/units/{code}", async (string code, OfficialScope scope, SurveyDbContext db, CancellationToken ct) =>
        {
            var unit = await scope.FindVisibleUnitAsync(code, ct);
            if (unit is null) return Api.Problems.NotFound($"No unit '{code}'.");
            var related = await db.Units.AsNoTracking()
                .Where(u => u.Id == unit.ParentId || u.Id == unit.SuccessorId || u.SuccessorId == unit.Id)
                .ToListAsync(ct);
            string? Visible(int? id) => related.FirstOrDefault(u => u.Id == id) is { } r && scope.CanSee(r) ? r.Code : null;
            var predecessors = related.Where(u => u.SuccessorId == unit.Id && scope.CanSee(u))
                .Select(u => u.Code).Order(StringComparer.Ordinal).ToList();
            return Results.Json(new UnitInfo(unit.Code, unit.Name, unit.LevelName, Visible(unit.ParentId), unit.IsActive, Visible(unit.SuccessorId), predecessors));
        }).RequireAuthorization(Policies.Official)
            .Produces<UnitInfo>()
            .Describe("Units", "getUnit", "A unit, its predecessors and successor",
                "{code, name, level, parent, active, successor, predecessors}: after a reorganisation a merged unit is inactive and names " +
                "its successor; the successor lists its predecessors. Related units outside the caller's scope are left out. " +
                "Outside the caller's scope, or unknown: 404.", 404)
            .WithExamples(
                new Api.ApiExample("district", "The demo district", 200, new Dictionary<string, string> { ["code"] = "VQ" }),
                new Api.ApiExample("unknown", "A unit that does not exist or is outside the caller's scope", 404, new Dictionary<string, string> { ["code"] = "XX-NONE" },
                    Response: Api.ApiDocumentation.Problem(404, "Not found", "No unit 'XX-NONE'.")));
    }
}
