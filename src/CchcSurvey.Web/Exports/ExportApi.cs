using CchcSurvey.Core.Exports;
using CchcSurvey.Web.Api;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Security;

namespace CchcSurvey.Web.Exports;

/// <summary>
/// <c>GET /api/v1/export/{kind}.{csv|xlsx|json}?unit=&amp;from=&amp;to=&amp;instrument=&amp;channel=&amp;includeFlagged=</c>:
/// kinds <c>indices</c> (aggregated, suppressed), <c>responses</c> (anonymised microdata, administrators only) and
/// <c>codebook</c> (the microdata's columns). Officials only. The unit defaults to the caller's scope root (every unit
/// for an administrator); a unit outside the scope, or unknown, is 404. A manager or viewer asking for
/// <c>responses</c> in their scope gets 403: the unit is theirs, the microdata is not. The body streams.
/// </summary>
public static class ExportApi
{
    public static void MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/export/{file}", async (string file, HttpContext http, OfficialScope scope, IServiceProvider services, CancellationToken ct) =>
        {
            var dot = file.LastIndexOf('.');
            var kind = dot > 0 ? file[..dot] : file;
            if (kind is not ("indices" or "responses" or "codebook") || dot < 0 || !ExportFormats.TryParse(file[(dot + 1)..], out var format))
                return Api.Problems.NotFound($"No export '{file}'. Kinds: indices, responses, codebook; formats: csv, xlsx, json.");
            if (!IndexApi.TryParseFilter(http.Request, out var filter, out var problem)) return problem;

            Unit? unit;
            var code = http.Request.Query["unit"].ToString();
            if (code.Length > 0)
            {
                unit = await scope.FindVisibleUnitAsync(code, ct);
                if (unit is null) return Api.Problems.NotFound($"No unit '{code}'.");
            }
            else
            {
                unit = await scope.RootAsync(ct);
                if (unit is null && !scope.IsAdmin) return Api.Problems.NotFound("No unit in scope.");
            }

            var exports = ExportService.From(services);
            var instrument = http.Request.Query["instrument"].ToString() is { Length: > 0 } given ? given : null;
            if (instrument is not null && !(await exports.InstrumentCodesAsync(ct)).Contains(instrument))
                return Api.Problems.Invalid($"No published instrument '{instrument}'.", "instrument");
            if (kind == "responses" && !scope.IsAdmin)
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: "Microdata (responses) exports are for administrators only; use the indices export.");

            var name = $"cchc-{kind}-{unit?.Code ?? "all"}{(instrument is null ? "" : "-" + instrument)}" +
                $"{(filter.From is DateOnly f ? $"-from-{f:yyyy-MM-dd}" : "")}{(filter.To is DateOnly t ? $"-to-{t:yyyy-MM-dd}" : "")}.{ExportFormats.Extension(format)}";
            var aborted = http.RequestAborted;
            await services.GetRequiredService<Administration.AuditLog>().WriteAsync(http.User, Administration.AuditActions.Export, unit?.Code ?? "all", name, ct);
            return Results.Stream(async body =>
            {
                switch (kind)
                {
                    case "indices": await exports.WriteIndicesAsync(body, format, unit, instrument, filter, aborted); break;
                    case "responses": await exports.WriteResponsesAsync(body, format, unit, instrument, filter, null, aborted); break;
                    default: await exports.WriteCodebookAsync(body, format, instrument, aborted); break;
                }
            }, ExportFormats.ContentType(format), name);
        }).RequireAuthorization(Policies.Official)
            .WithQuery([("unit", "The unit whose subtree is exported; the caller's scope root (everything for an administrator) when left out."),
                ("instrument", "One questionnaire code."), .. ApiDocumentation.FigureFilters])
            .Produces(StatusCodes.Status200OK, typeof(Stream), "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json")
            .Describe("Figures", "exportFile", "Export a file",
                "`file` is `{kind}.{csv|xlsx|json}`: `indices` (aggregated figures, small cells suppressed), `responses` (anonymised " +
                "microdata, administrators only: 403 to others within scope) or `codebook` (the microdata's columns). The body streams " +
                "as an attachment. A unit outside the caller's scope, or unknown: 404.", 400, 403, 404)
            .WithExamples(
                new ApiExample("indices", "A district's figures as CSV", 200, new Dictionary<string, string> { ["file"] = "indices.csv", ["unit"] = "VQ" }),
                new ApiExample("unknown-kind", "A kind that does not exist", 404, new Dictionary<string, string> { ["file"] = "everything.csv" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No export 'everything.csv'. Kinds: indices, responses, codebook; formats: csv, xlsx, json.")));
    }
}
