using System.Globalization;
using System.Text.Json;
using CchcSurvey.Core.Plans;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;

namespace CchcSurvey.Web.Plans;

/// <summary>
/// <c>/api/v1/plans</c> (the README "Improvement plans"): the plans an official sees, one plan as of a date, and
/// progress reports of a task. Outside the scope 404; a viewer's report 403.
/// </summary>
public static class PlanApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapPlanApi(IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/api/v1/plans").RequireAuthorization(Policies.Official);

        app.MapGet("/api/v1/plans", async (PlanService service, CancellationToken ct) =>
            Results.Json((await service.VisiblePlansAsync(ct)).Select(p =>
                new PlanListItem(p.Code, p.Title, p.Unit.Code, p.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))))
            .RequireAuthorization(Policies.Official)
            .Produces<PlanListItem[]>()
            .Describe(Tag, "listPlans", "The plans the caller sees",
                "Improvement plans whose unit, or a unit they assign work to, is in the caller's scope: code, title, issuing unit, deadline.")
            .WithExamples(new ApiExample("all", "Every plan an administrator sees", 200));

        plans.MapGet("/{code}", async (string code, HttpRequest request, PlanService service, LocalClock clock, CancellationToken ct) =>
        {
            var asOfText = request.Query["asOf"].ToString();
            var asOf = clock.Today();
            if (asOfText.Length > 0 && !DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf))
                return Problems.Invalid($"asOf '{asOfText}' không phải là ngày yyyy-MM-dd.", "asOf");
            var view = await service.ViewAsync(code, asOf, withFigures: true, ct);
            return view is null ? Problems.NotFound($"No plan '{code}'.") : Results.Json(Body(view));
        })
            .WithQuery(("asOf", "The date (yyyy-MM-dd) the task buckets are computed as of; today when left out."))
            .Produces<System.Text.Json.Nodes.JsonObject>()
            .Describe(Tag, "getPlan", "One plan as of a date",
                "{code, title, unit, deadline, asOf, summary: {done_on_time, done_late, open_in_time, open_overdue}, criteria: [{code, index, " +
                "title, lead, implementers, target, measuredBy, figure, tasks: [{code, title, lead, deadline, status, bucket}]}]}. " +
                "Outside the caller's scope, or unknown: 404.", 400, 404)
            .WithExamples(
                new ApiExample("demo", "The demo plan as of its deadline", 200, new Dictionary<string, string> { ["code"] = "VQ-2023", ["asOf"] = "2023-11-20" }),
                new ApiExample("bad-date", "asOf that is not a date", 400, new Dictionary<string, string> { ["code"] = "VQ-2023", ["asOf"] = "20/11/2023" },
                    Response: ApiDocumentation.Problem(400, "Invalid request", "asOf '20/11/2023' không phải là ngày yyyy-MM-dd.", new Dictionary<string, string[]> { ["asOf"] = ["asOf '20/11/2023' không phải là ngày yyyy-MM-dd."] })),
                new ApiExample("unknown", "A plan that does not exist or is outside the caller's scope", 404, new Dictionary<string, string> { ["code"] = "XX-NONE" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No plan 'XX-NONE'.")));

        plans.MapPost("/{code}/tasks/{task}/progress", async (string code, string task, HttpContext http, PlanService service, CancellationToken ct) =>
        {
            if (!JsonRequests.IsJsonUtf8(http.Request.ContentType))
                return Problems.Invalid("Nội dung phải là JSON UTF-8 (Content-Type: application/json).");
            var bytes = await JsonRequests.ReadBoundedAsync(http.Request.Body, MaxBodyBytes, ct);
            if (bytes is null) return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: $"At most {MaxBodyBytes} bytes.");
            JsonElement body;
            try
            {
                using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false });
                body = document.RootElement.Clone();
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                return Problems.Invalid($"Nội dung không phải JSON hợp lệ: {e.Message}");
            }
            if (body.ValueKind != JsonValueKind.Object) return Problems.Invalid("Nội dung phải là một đối tượng JSON {status, note, date}.");
            var unknown = body.EnumerateObject().Select(p => p.Name).Except(["status", "note", "date"], StringComparer.Ordinal).ToList();
            if (unknown.Count > 0) return Problems.Invalid($"Trường không được hỗ trợ: {string.Join(", ", unknown)}.");
            string? Text(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            foreach (var name in new[] { "status", "note", "date" })
                if (body.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    return Problems.Invalid($"{name} phải là chuỗi.", name);

            var result = await service.ReportProgressAsync(http.User, code, task, Text("status"), Text("note"), Text("date"), [], ct);
            return result.Status switch
            {
                StatusCodes.Status201Created => Results.Json(new { id = result.Id, plan = code, task, status = Text("status") }, statusCode: StatusCodes.Status201Created),
                StatusCodes.Status404NotFound => Problems.NotFound($"No task '{task}' of plan '{code}'."),
                StatusCodes.Status403Forbidden => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: result.Error),
                _ => Problems.Invalid(result.Error!, FieldOf(result.Error!)),
            };
        })
            .WithJsonBody<PlanProgressRequest>()
            .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status201Created)
            .Describe(Tag, "reportTaskProgress", "Report a task's progress",
                "Adds a progress report {status: in_progress | done, note, date?} to a task. Only managers and administrators whose scope " +
                "holds one of the task's lead units; a viewer gets 403, anyone else 404.", 400, 403, 404, 413)
            .WithExamples(
                new ApiExample("unknown", "A task that does not exist or is outside the caller's scope", 404,
                    new Dictionary<string, string> { ["code"] = "VQ-2023", ["task"] = "XX-NONE" }, Body: new { status = "done", note = "Đã hoàn thành" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No task 'XX-NONE' of plan 'VQ-2023'.")));
    }

    private const string Tag = "Plans";

    /// <summary>One plan in <c>GET /api/v1/plans</c>.</summary>
    public sealed record PlanListItem(string Code, string Title, string Unit, string Deadline);

    /// <summary>The body of a progress report.</summary>
    /// <param name="Status">in_progress or done.</param>
    /// <param name="Note">What was done (free text).</param>
    /// <param name="Date">The date of the report, yyyy-MM-dd; today when left out.</param>
    public sealed record PlanProgressRequest(string Status, string? Note = null, string? Date = null);

    private static string? FieldOf(string error) =>
        error.Contains("(status)", StringComparison.Ordinal) ? "status"
        : error.Contains("(note)", StringComparison.Ordinal) ? "note"
        : error.Contains("(date)", StringComparison.Ordinal) ? "date" : null;

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The contract's body of one plan; numbers rounded to 0.1 as on the pages (never NaN: suppressed figures are null).</summary>
    public static object Body(PlanView view) => new
    {
        code = view.Plan.Code,
        title = view.Plan.Title,
        unit = view.Plan.Unit.Code,
        deadline = Date(view.Plan.Deadline),
        asOf = Date(view.AsOf),
        summary = view.Summary.ToDictionary(s => TaskBuckets.Name(s.Key), s => s.Value),
        criteria = view.Criteria.Select(c => new
        {
            code = c.Criterion.Code,
            index = c.Criterion.Index,
            title = c.Criterion.Title,
            lead = new { text = c.Criterion.LeadText, units = c.LeadUnits.Select(u => u.Code).ToList() },
            implementers = new { text = c.Criterion.ImplementersText, units = c.ImplementerUnits.Select(u => u.Code).ToList() },
            target = c.Criterion.TargetText is null && c.Criterion.TargetValue is null ? null
                : new { text = c.Criterion.TargetText, value = c.Criterion.TargetValue, unit = c.Criterion.TargetUnit },
            measuredBy = c.Criterion.MeasuredBy,
            figure = c.Now is { } f ? new { value = Round(f.Value), lo = Round(f.Lo), hi = Round(f.Hi), n = f.N } : null,
            tasks = c.Tasks.Select(t => new
            {
                code = t.Task.Code,
                title = t.Task.Title,
                lead = new { text = t.Task.LeadText, units = t.Units.Select(u => u.Code).ToList() },
                deadline = Date(t.Task.Deadline),
                status = TaskBuckets.StatusName(t.Status),
                bucket = TaskBuckets.Name(t.Bucket),
            }).ToList(),
        }).ToList(),
    };

    private static double? Round(double? value) => value is double v && double.IsFinite(v) ? Math.Round(v, 1) : null;
}
