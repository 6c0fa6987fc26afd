using System.Globalization;
using System.Text.Json;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Security;
using Microsoft.AspNetCore.OpenApi;
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
            if (body.ValueKind != JsonValueKind.Object) return Problems.Invalid("The body must be a JSON object.");
            var unknown = body.EnumerateObject().Select(p => p.Name).Except(["counter", "dossier"], StringComparer.Ordinal).ToList();
            if (unknown.Count > 0) return Problems.Invalid($"Unknown field(s): {string.Join(", ", unknown)}.");
            if (!JsonRequests.TryGetString(body, "counter", out var code)) return Problems.Invalid("counter must be a counter code.", "counter");
            // The dossier code is accepted so that callers can send what they have, but nothing about it is stored.
            if (body.TryGetProperty("dossier", out var dossier) && dossier.ValueKind != JsonValueKind.Null && !JsonRequests.TryGetString(body, "dossier", out _))
                return Problems.Invalid("dossier must be a string of at most 100 characters.", "dossier");

            var counter = await VisibleCounterAsync(db, scope, code, ct);
            if (counter is null) return Problems.NotFound($"No active counter '{code}'.");
            var issued = await tokens.IssueAsync(counter, http.Request, ct);
            await http.RequestServices.GetRequiredService<Administration.AuditLog>().AddForUnitAsync(http.User, Administration.AuditActions.DossierTokenIssue,
                counter.UnitId, $"counter {counter.Code}, over the API", ct);
            await db.SaveChangesAsync(ct);
            return Results.Json(new IssuedTokenBody(issued.Token, issued.Url, issued.ExpiresUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                statusCode: StatusCodes.Status201Created);
        })
            .WithJsonBody<TokenRequest>()
            .Produces<IssuedTokenBody>(StatusCodes.Status201Created)
            .Describe(Tag, "issueSurveyToken", "Issue a per-dossier survey token",
                "A one-stop system calls this when it prints a dossier's receipt and prints `url` as a QR code on it. The token is " +
                "single use, bound to the counter, and expires at `expires` (UTC); only its SHA-256 is stored, and nothing about the " +
                "dossier (`dossier` is accepted and dropped). A manager's or administrator's token; a counter outside its scope: 404.",
                400, 403, 404, 413)
            .WithExamples(
                new ApiExample("issued", "A token for a dossier received at a commune's counter", 201,
                    Body: new TokenRequest("VQ-AS-Q1", "000.00.21.H36-260105-0001"),
                    Response: new IssuedTokenBody("q3Zt0fR8mK1xW9vB2nL5cA", "https://khaosat.langson.gov.vn/t/q3Zt0fR8mK1xW9vB2nL5cA", "2026-01-12T09:00:00Z")),
                new ApiExample("no-counter", "An empty counter code", 400, Body: new TokenRequest("", "000.00.21.H36-260105-0001"),
                    Response: ApiDocumentation.Problem(400, "Invalid request", "counter must be a counter code.", new Dictionary<string, string[]> { ["counter"] = ["counter must be a counter code."] })),
                new ApiExample("outside", "A counter that does not exist or is outside the token's scope", 404, Body: new TokenRequest("XX-NONE-Q1", null),
                    Response: ApiDocumentation.Problem(404, "Not found", "No active counter 'XX-NONE-Q1'.")));

        api.MapPost("/dossiers", async (HttpContext http, OfficialScope scope, SurveyDbContext db, CancellationToken ct) =>
        {
            var (root, problem) = await ReadJsonAsync(http, ct);
            if (root is not { } body) return problem!;
            var items = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body];
            if (items.Count == 0) return Problems.Invalid("No dossier counts given.");
            var rows = new List<DossierCountRow>();
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                if (item.ValueKind != JsonValueKind.Object) return Problems.Invalid($"[{i}] must be an object {{unit, month, count}}.");
                if (!JsonRequests.TryGetString(item, "unit", out var unit)) return Problems.Invalid($"[{i}].unit must be a unit code.", "unit");
                if (!JsonRequests.TryGetString(item, "month", out var monthText) || !DossierCounts.TryParseMonth(monthText, out var month))
                    return Problems.Invalid($"[{i}].month must be yyyy-MM.", "month");
                if (!item.TryGetProperty("count", out var countElement) || countElement.ValueKind != JsonValueKind.Number || !countElement.TryGetInt32(out var count) || count < 0)
                    return Problems.Invalid($"[{i}].count must be a whole number ≥ 0.", "count");
                rows.Add(new DossierCountRow(unit, month, count, i + 1));
            }
            await scope.RootAsync(ct);
            var (written, errors) = await DossierCounts.ApplyAsync(db, rows, scope.CanSee, ct,
                http.RequestServices.GetRequiredService<Administration.AuditLog>(), http.User);
            if (errors.Count > 0) return Problems.NotFound(string.Join("; ", errors));
            return Results.Ok(new DossiersWritten(written));
        })
            .WithJsonBody<DossierCountRequest>()
            .Produces<DossiersWritten>()
            .Describe(Tag, "pushDossierCounts", "Push monthly dossier counts",
                "Dossiers received per unit and local month (`yyyy-MM`), one object or an array of them; each replaces that month's " +
                "figure, so sending a month again is safe. Responses beyond a month's dossiers are flagged MoreThanDossiers. All rows " +
                "are checked first: one bad row and nothing is written (400, naming the row). A manager's or administrator's token; a " +
                "unit outside its scope: 404.", 400, 403, 404, 413)
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                // The body is one count or an array of them.
                if (operation.RequestBody?.Content?.Values.FirstOrDefault() is { Schema: { } one } media)
                    media.Schema = new Microsoft.OpenApi.OpenApiSchema { OneOf = [one, new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.Array, Items = one }] };
                return Task.CompletedTask;
            })
            .WithExamples(
                new ApiExample("one-month", "A commune's dossiers of January 2026", 200, Body: new DossierCountRequest("VQ-AS", "2026-01", 132),
                    Response: new DossiersWritten(1)),
                new ApiExample("several", "Several units and months at once", 200,
                    Body: new[] { new DossierCountRequest("VQ-AS", "2026-02", 118), new DossierCountRequest("VQ-TT", "2026-02", 240) },
                    Response: new DossiersWritten(2)),
                new ApiExample("bad-month", "A month that is not yyyy-MM", 400, Body: new DossierCountRequest("VQ-AS", "01/2026", 132),
                    Response: ApiDocumentation.Problem(400, "Invalid request", "[0].month must be yyyy-MM.", new Dictionary<string, string[]> { ["month"] = ["[0].month must be yyyy-MM."] })),
                new ApiExample("outside", "A unit that does not exist or is outside the token's scope", 404, Body: new DossierCountRequest("XX-NONE", "2026-01", 10),
                    Response: ApiDocumentation.Problem(404, "Not found", "line 1: no unit with code 'XX-NONE'")));
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
        if (!JsonRequests.IsJsonUtf8(http.Request.ContentType))
            return (null, Problems.Invalid("The body must be UTF-8 JSON (Content-Type: application/json)."));
        var body = await JsonRequests.ReadBoundedAsync(http.Request.Body, MaxBodyBytes, ct);
        if (body is null)
            return (null, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: $"At most {MaxBodyBytes} bytes."));
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
            return (document.RootElement.Clone(), null);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return (null, Problems.Invalid($"The body is not valid JSON: {e.Message}"));
        }
    }

    private const string Tag = "One-stop";

    /// <param name="Counter">The code of the counter that received the dossier.</param>
    /// <param name="Dossier">The dossier's code, if the caller has it: accepted and never stored.</param>
    public sealed record TokenRequest(string Counter, string? Dossier = null);

    /// <param name="Token">The single-use token (22 base64url characters).</param>
    /// <param name="Url">The survey address to print as a QR code on the receipt.</param>
    /// <param name="Expires">When the token stops working, UTC, yyyy-MM-ddTHH:mm:ssZ.</param>
    public sealed record IssuedTokenBody(string Token, string Url, string Expires);

    /// <param name="Unit">The unit's code.</param>
    /// <param name="Month">The local month, yyyy-MM.</param>
    /// <param name="Count">Dossiers received that month (a whole number ≥ 0).</param>
    public sealed record DossierCountRequest(string Unit, string Month, int Count);

    /// <param name="Written">How many unit-months were written.</param>
    public sealed record DossiersWritten(int Written);
}
