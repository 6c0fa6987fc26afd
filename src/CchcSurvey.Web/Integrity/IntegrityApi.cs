using System.Globalization;
using System.Text.Json;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Integrity;

/// <summary>
/// <c>POST /api/v1/tokens</c> (a queue or one-stop system asks for a dossier's survey token) and
/// <c>POST /api/v1/dossiers</c> (dossier counts per unit and month). API tokens of managers and
/// administrators only, within their scope (404 outside it).
/// </summary>
public static class IntegrityApi
{
    private const int MaxBodyBytes = 256 * 1024;

    public static void MapIntegrityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.StaffApi);

        api.MapPost("/tokens", async (HttpContext http, OfficialScope scope, SurveyDbContext db, DossierTokenService tokens, CancellationToken ct) =>
        {
            var (root, problem) = await ReadJsonAsync(http, ct);
            if (root is not { } body) return problem!;
            if (body.ValueKind != JsonValueKind.Object) return SurveyApi.Invalid("The body must be a JSON object.");
            var unknown = body.EnumerateObject().Select(p => p.Name).Except(["counter", "dossier"], StringComparer.Ordinal).ToList();
            if (unknown.Count > 0) return SurveyApi.Invalid($"Unknown field(s): {string.Join(", ", unknown)}.");
            if (!SurveyApi.TryGetString(body, "counter", out var code)) return SurveyApi.Invalid("counter must be a counter code.", "counter");
            // The dossier code is accepted so that callers can send what they have, but nothing about it is stored.
            if (body.TryGetProperty("dossier", out var dossier) && dossier.ValueKind != JsonValueKind.Null && !SurveyApi.TryGetString(body, "dossier", out _))
                return SurveyApi.Invalid("dossier must be a string of at most 100 characters.", "dossier");

            var counter = await VisibleCounterAsync(db, scope, code, ct);
            if (counter is null) return SurveyApi.NotFound($"No active counter '{code}'.");
            var issued = await tokens.IssueAsync(counter, http.Request, ct);
            await http.RequestServices.GetRequiredService<Administration.AuditLog>().AddForUnitAsync(http.User, Administration.AuditActions.DossierTokenIssue,
                counter.UnitId, $"counter {counter.Code}, over the API", ct);
            await db.SaveChangesAsync(ct);
            return Results.Json(new IssuedTokenBody(issued.Token, issued.Url, issued.ExpiresUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                statusCode: StatusCodes.Status201Created);
        });

        api.MapPost("/dossiers", async (HttpContext http, OfficialScope scope, SurveyDbContext db, CancellationToken ct) =>
        {
            var (root, problem) = await ReadJsonAsync(http, ct);
            if (root is not { } body) return problem!;
            var items = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body];
            if (items.Count == 0) return SurveyApi.Invalid("No dossier counts given.");
            var rows = new List<DossierCountRow>();
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                if (item.ValueKind != JsonValueKind.Object) return SurveyApi.Invalid($"[{i}] must be an object {{unit, month, count}}.");
                if (!SurveyApi.TryGetString(item, "unit", out var unit)) return SurveyApi.Invalid($"[{i}].unit must be a unit code.", "unit");
                if (!SurveyApi.TryGetString(item, "month", out var monthText) || !DossierCounts.TryParseMonth(monthText, out var month))
                    return SurveyApi.Invalid($"[{i}].month must be yyyy-MM.", "month");
                if (!item.TryGetProperty("count", out var countElement) || countElement.ValueKind != JsonValueKind.Number || !countElement.TryGetInt32(out var count) || count < 0)
                    return SurveyApi.Invalid($"[{i}].count must be a whole number ≥ 0.", "count");
                rows.Add(new DossierCountRow(unit, month, count, i + 1));
            }
            await scope.RootAsync(ct);
            var (written, errors) = await DossierCounts.ApplyAsync(db, rows, scope.CanSee, ct,
                http.RequestServices.GetRequiredService<Administration.AuditLog>(), http.User);
            if (errors.Count > 0) return SurveyApi.NotFound(string.Join("; ", errors));
            return Results.Ok(new { written });
        });
    }

    /// <summary>An active counter whose unit the caller may see, or null (404).</summary>
    public static async Task<Counter?> VisibleCounterAsync(SurveyDbContext db, OfficialScope scope, string code, CancellationToken ct)
    {
        var counter = await db.Counters.AsNoTracking().Include(c => c.Unit).FirstOrDefaultAsync(c => c.Code == code && c.IsActive && c.Unit.IsActive, ct);
        if (counter is null) return null;
        await scope.RootAsync(ct);
        return scope.CanSee(counter.Unit) ? counter : null;
    }

    private static async Task<(JsonElement? Root, IResult? Problem)> ReadJsonAsync(HttpContext http, CancellationToken ct)
    {
        if (!SurveyApi.IsJsonUtf8(http.Request.ContentType))
            return (null, SurveyApi.Invalid("The body must be UTF-8 JSON (Content-Type: application/json)."));
        var body = await SurveyApi.ReadBoundedAsync(http.Request.Body, MaxBodyBytes, ct);
        if (body is null)
            return (null, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: $"At most {MaxBodyBytes} bytes."));
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
            return (document.RootElement.Clone(), null);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return (null, SurveyApi.Invalid($"The body is not valid JSON: {e.Message}"));
        }
    }

    public sealed record IssuedTokenBody(string Token, string Url, string Expires);
}
