using static CchcSurvey.Web.Api.JsonRequests;
using static CchcSurvey.Web.Api.Problems;
using System.Text.Json;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Api;

/// <summary>The public JSON API of the README used by kiosks and other systems.</summary>
public static class SurveyApi
{
    /// <summary>A response is a few kilobytes; anything far larger is refused before it is parsed.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static void MapSurveyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");

        api.MapGet("/counters", async (SurveyDbContext db, CancellationToken ct) =>
            await db.Counters.AsNoTracking().Where(c => c.IsActive && c.Unit.IsActive).OrderBy(c => c.Code)
                .Select(c => new CounterSummary(c.Code, c.Name, c.Unit.Code, c.Unit.Name)).ToListAsync(ct))
            .Produces<List<CounterSummary>>()
            .Describe(Tag, "listCounters", "Active counters", "Every active counter of an active unit, by code (what the posters show).")
            .WithExamples(new ApiExample("all", "The demo organisation's counters", 200,
                Response: new[] { new CounterSummary("VQ-AS-Q1", "Bộ phận Một cửa xã", "VQ-AS", "Xã An Sơn") }));

        api.MapGet("/counters/{code}", async (string code, SurveyDbContext db, InstrumentRegistry instruments, SurveyResolver resolver, CancellationToken ct) =>
        {
            var counter = await resolver.CounterAsync(code, SurveyCaching.None, ct);
            if (counter is null) return NotFound($"No active counter '{code}'.");
            var offered = (await instruments.CurrentAsync(db, ct)).Where(i => counter.Offers(i.Code))
                .Select(i => new CounterInstrument(i.Code, i.Version, i.Definition.Title.Vi, i.Definition.Title.En, i.Code == counter.DefaultInstrument));
            return Results.Ok(new CounterDetail(counter.Code, counter.Name, counter.Unit.Code, counter.Unit.Name, offered.ToList()));
        })
            .Produces<CounterDetail>()
            .Describe(Tag, "getCounter", "One counter", "A counter with the questionnaires it offers (a kiosk's start-up call).", 404)
            .WithExamples(
                new ApiExample("found", "A commune's counter", 200, new Dictionary<string, string> { ["code"] = "VQ-AS-Q1" },
                    Response: new CounterDetail("VQ-AS-Q1", "Bộ phận Một cửa xã", "VQ-AS", "Xã An Sơn",
                        [new CounterInstrument("NHANH", 1, "Đánh giá nhanh tại quầy", "Quick rating at the counter", true)])),
                new ApiExample("unknown", "No such active counter", 404, new Dictionary<string, string> { ["code"] = "XX-NONE" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No active counter 'XX-NONE'.")));

        api.MapGet("/instruments", async (SurveyDbContext db, InstrumentRegistry instruments, CancellationToken ct) =>
            (await instruments.CurrentAsync(db, ct)).Select(i => new InstrumentSummary(i.Code, i.Version, i.Definition.Title)))
            .Produces<List<InstrumentSummary>>()
            .Describe(Tag, "listInstruments", "Published questionnaires", "The current version of every published questionnaire.")
            .WithExamples(new ApiExample("all", "The five questionnaires", 200,
                Response: new[] { new InstrumentSummary("NHANH", 1, new LocalizedText("Đánh giá nhanh tại quầy", "Quick rating at the counter")) }));

        api.MapGet("/instruments/{code}", async (string code, int? version, SurveyDbContext db, InstrumentRegistry instruments, CancellationToken ct) =>
        {
            var instrument = await instruments.FindAsync(db, code, version, ct);
            return instrument is null
                ? NotFound($"No published instrument '{code}'{(version is null ? "" : $" version {version}")}.")
                : Results.Text(InstrumentCatalog.Serialize(instrument.Definition), "application/json; charset=utf-8");
        })
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json")
            .Describe(Tag, "getInstrument", "One questionnaire", "A published questionnaire (sections, items, types, options, labels in vi and en); the current version unless `version` is given.", 400, 404)
            .WithExamples(
                new ApiExample("current", "The quick rating, current version", 200, new Dictionary<string, string> { ["code"] = "NHANH" },
                    Response: new { code = "NHANH", version = 1, title = new { vi = "Đánh giá nhanh tại quầy", en = "Quick rating at the counter" }, sections = Array.Empty<object>() }),
                new ApiExample("unknown", "No such questionnaire", 404, new Dictionary<string, string> { ["code"] = "KHONG-CO" },
                    Response: ApiDocumentation.Problem(404, "Not found", "No published instrument 'KHONG-CO'.")));

        api.MapPost("/responses", PostResponseAsync).RequireRateLimiting(SubmissionRateLimiting.Policy)
            .WithJsonBody<SubmissionRequest>()
            .Produces<Accepted>(StatusCodes.Status201Created)
            .Produces<Accepted>(StatusCodes.Status200OK)
            .Describe(Tag, "submitResponse", "Submit an answer",
                "Stores one anonymous response, idempotent on the client's `submissionId`: 201 stored; 200 the same id and payload again " +
                "(a retry; same body); 422 the same id with another payload; 400 invalid (nothing stored); 413 body over 64 KB; 429 too many " +
                "(wait `Retry-After` seconds). With `token` (instead of `counter`) the response goes to the token's counter and redeems it: " +
                "a used or expired token is 409, an unknown one 404. `answers` maps item codes to a level (integer), an option code, a list of " +
                "option codes or a text; an item left out is missing. `elapsedSeconds`: seconds since the questions were shown.",
                400, 404, 409, 413, 422, 429)
            .WithExamples(
                new ApiExample("created", "A quick rating at a counter", 201, Body: ExampleSubmission("5"),
                    Response: new Accepted(ExampleSubmissionId, $"/r/{ExampleSubmissionId}")),
                new ApiExample("replayed", "The same request again (a retry after a lost answer)", 200, Body: ExampleSubmission("5"),
                    Response: new Accepted(ExampleSubmissionId, $"/r/{ExampleSubmissionId}")),
                new ApiExample("conflict", "The same id with other answers", 422, Body: ExampleSubmission("1"),
                    Response: ApiDocumentation.Problem(422, "Submission id already used", $"A different response was already recorded under {ExampleSubmissionId}; nothing was changed.")),
                new ApiExample("invalid", "A level outside the scale", 400,
                    Body: new { submissionId = "7d0c5b8e-3f0a-4c1e-9a55-2b1f6c0e9d41", counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 9 } },
                    Response: ApiDocumentation.Problem(400, "Invalid answers", "HL: 9 is not a level of this scale.", new Dictionary<string, string[]> { ["HL"] = ["9 is not a level of this scale."] })),
                new ApiExample("unknown-token", "A token that was never issued", 404,
                    Body: new { submissionId = "0b7f2e61-94c4-4d0e-8f3a-6a1d2c9e5b70", token = "AAAAAAAAAAAAAAAAAAAAAA", instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 4 } },
                    Response: ApiDocumentation.Problem(404, "Not found", "No such survey token.")));

        api.MapGet("/receipts/{submissionId}", async (string submissionId, SurveyDbContext db, LocalClock clock, CancellationToken ct) =>
        {
            if (!Guid.TryParse(submissionId, out var id)) return NotFound("No such receipt.");
            var hour = await db.Responses.AsNoTracking().Where(r => r.SubmissionId == id).Select(r => (DateTime?)r.SubmittedHourUtc).FirstOrDefaultAsync(ct);
            return hour is null
                ? NotFound("No such receipt.")
                : Results.Ok(new Receipt(true, DateOnly.FromDateTime(clock.ToLocal(hour.Value)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        })
            .Produces<Receipt>()
            .Describe(Tag, "getReceipt", "A receipt", "Whether a response was recorded, and its local date (never the time).", 404)
            .WithExamples(new ApiExample("unknown", "No response under this id", 404, new Dictionary<string, string> { ["submissionId"] = "00000000-0000-4000-8000-000000000001" },
                Response: ApiDocumentation.Problem(404, "Not found", "No such receipt.")));

    
    }

    private static async Task<IResult> PostResponseAsync(HttpContext http, SurveyResolver resolver, SubmissionService submissions,
        KioskCredentials kiosks, CancellationToken ct)
    {
        if (!IsJsonUtf8(http.Request.ContentType))
            return Invalid("The body must be UTF-8 JSON (Content-Type: application/json).");

        var body = await ReadBoundedAsync(http.Request.Body, MaxBodyBytes, ct);
        if (body is null)
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: $"A response body may be at most {MaxBodyBytes} bytes.");

        // The JSON reader does not check the UTF-8 inside strings; reading such a string later would throw.
        if (!System.Text.Unicode.Utf8.IsValid(body))
            return Invalid("The body is not valid UTF-8.");

        JsonDocument document;
        try
        {
            // Duplicate names are ambiguous (another reader may take the other value): refused.
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return Invalid($"The body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Invalid("The body must be a JSON object.");
            if (!HasOnlyUnicodeStrings(root)) return Invalid("The body contains a string that is not valid Unicode (a lone surrogate escape).");

            var unknown = root.EnumerateObject().Select(p => p.Name).Except(KnownFields, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0) return Invalid($"Unknown field(s): {string.Join(", ", unknown)}.");

            if (!TryGetString(root, "submissionId", out var idText) || !Guid.TryParse(idText, out var submissionId) || submissionId == Guid.Empty)
                return Invalid("submissionId must be a UUID.", "submissionId");
            string? token = null;
            var counterCode = "";
            if (root.TryGetProperty("token", out _))
            {
                if (!TryGetString(root, "token", out var tokenText))
                    return Invalid("token must be the per-dossier token printed on the receipt.", "token");
                if (root.TryGetProperty("counter", out _))
                    return Invalid("Send either counter or token, not both: a token is bound to its counter.", "counter");
                token = tokenText;
            }
            else if (!TryGetString(root, "counter", out counterCode))
                return Invalid("counter must be a counter code.", "counter");
            if (!TryGetString(root, "instrument", out var instrumentCode))
                return Invalid("instrument must be an instrument code.", "instrument");
            if (!TryGetString(root, "channel", out var channel) || !Channels.IsValid(channel))
                return Invalid($"channel must be one of {string.Join(", ", Channels.All)}.", "channel");
            if (!ChannelPolicy.MayClaim(channel))
                return Invalid(ChannelPolicy.Refusal(channel), "channel");
            int? version = null;
            if (root.TryGetProperty("version", out var versionElement) && versionElement.ValueKind != JsonValueKind.Null)
            {
                if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out var v) || v < 1)
                    return Invalid("version must be a positive integer.", "version");
                version = v;
            }
            double? elapsed = null;
            if (root.TryGetProperty("elapsedSeconds", out var elapsedElement) && elapsedElement.ValueKind != JsonValueKind.Null)
            {
                if (elapsedElement.ValueKind != JsonValueKind.Number || !elapsedElement.TryGetDouble(out var e) || !double.IsFinite(e) || e < 0)
                    return Invalid("elapsedSeconds must be a number of seconds ≥ 0.", "elapsedSeconds");
                elapsed = e;
            }
            if (!root.TryGetProperty("answers", out var answers) || answers.ValueKind != JsonValueKind.Object)
                return Invalid("answers must be an object of item codes.", "answers");

            Counter? counter;
            if (token is not null)
            {
                // Used or expired tokens go on to the writer: a retry of the response that used it is still a 200.
                var (state, bound) = await resolver.TokenAsync(token, ct);
                if (state == Integrity.TokenState.Unknown || bound is null) return NotFound("No such survey token.");
                counter = bound;
                counterCode = bound.Code;
            }
            else
            {
                counter = await resolver.CounterAsync(counterCode, SurveyCaching.Short, ct);
            }
            if (counter is null) return Invalid($"No active counter '{counterCode}'.", "counter");
            var target = await resolver.InstrumentAsync(counter, instrumentCode, version, SurveyCaching.Short, ct);
            if (!target.Offered) return Invalid($"Counter '{counterCode}' does not offer instrument '{instrumentCode}'.", "instrument");
            if (await ChannelRefusalAsync(http, kiosks, channel, counter, ct) is { } refused) return refused;
            if (target.Instrument is not { } instrument) return Invalid($"No published instrument '{instrumentCode}'{(version is null ? "" : $" version {version}")}.", "instrument");

            var validation = AnswerValidator.Validate(instrument.Definition, answers);
            if (!validation.IsValid)
                return Results.ValidationProblem(
                    validation.Errors.GroupBy(e => e.Item).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                    title: "Invalid answers", detail: string.Join("; ", validation.Errors.Select(e => e.Message)));

            var result = await submissions.SubmitAsync(new SubmissionCommand(submissionId, counter, instrument, channel, validation.Answers,
                token, DeviceCookie.Read(http), elapsed), ct);
            if (result.Status == SubmissionStatus.RateLimited) return new TooManySubmissionsResult(result.RetryAfter ?? TimeSpan.FromMinutes(1));
            var accepted = new Accepted(result.SubmissionId, result.Receipt);
            return result.Status switch
            {
                SubmissionStatus.Created => Results.Created(result.Receipt, accepted),
                SubmissionStatus.Replayed => Results.Ok(accepted),
                SubmissionStatus.TokenRejected => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Survey token used or expired",
                    detail: "This per-dossier survey token was already used or has expired; nothing was stored."),
                _ => Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Submission id already used",
                    detail: $"A different response was already recorded under {submissionId}; nothing was changed."),
            };
        }
    }

    /// <summary>
    /// Whether the request may claim its channel: <c>kiosk</c> only from an enrolled, unrevoked tablet of the counter
    /// (<see cref="KioskCredentials"/>). 400 problem details otherwise, with <c>kiosk</c> = missing | invalid |
    /// otherCounter | revoked so that the tablet can tell its staff what happened.
    /// </summary>
    internal static async Task<IResult?> ChannelRefusalAsync(HttpContext http, KioskCredentials kiosks, string channel, Counter counter, CancellationToken ct)
    {
        if (channel != "kiosk") return null;
        var verdict = await kiosks.CheckAsync(http, counter, ct);
        if (verdict.IsEnrolled) return null;
        var (title, detail) = verdict.Check switch
        {
            KioskCheck.Revoked => ("Kiosk tablet revoked", "This tablet's enrolment was revoked; its answers are refused. Nothing was stored."),
            KioskCheck.OtherCounter => ("Kiosk tablet of another counter", $"This tablet is enrolled for another counter than '{counter.Code}'. Nothing was stored."),
            KioskCheck.Invalid => ("Invalid kiosk credential", "The kiosk credential is not valid for this browser. Nothing was stored."),
            _ => ("Not an enrolled kiosk tablet", "Only a tablet enrolled for this counter (/admin/kiosks, `kiosk add`) may send channel kiosk. Nothing was stored."),
        };
        var reason = verdict.Check switch
        {
            KioskCheck.Revoked => "revoked",
            KioskCheck.OtherCounter => "otherCounter",
            KioskCheck.Invalid => "invalid",
            _ => "missing",
        };
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["kiosk"] = reason });
    }

    /// <summary>False when a string or a property name is an escaped lone surrogate ("\ud800"): reading it would throw.</summary>
    private static bool HasOnlyUnicodeStrings(JsonElement element)
    {
        try
        {
            return Check(element);
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        static bool Check(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    _ = e.GetString();
                    return true;
                case JsonValueKind.Array:
                    foreach (var item in e.EnumerateArray()) Check(item);
                    return true;
                case JsonValueKind.Object:
                    foreach (var property in e.EnumerateObject())
                    {
                        _ = property.Name;
                        Check(property.Value);
                    }
                    return true;
                default:
                    return true;
            }
        }
    }

    private static readonly string[] KnownFields = ["submissionId", "counter", "token", "instrument", "version", "channel", "answers", "elapsedSeconds"];

    private const string Tag = "Survey";

    /// <summary>The submission id of the documented examples (a fresh database has none).</summary>
    private static readonly Guid ExampleSubmissionId = Guid.Parse("3f2b8c1e-6d4a-4e8b-9c7d-1a2b3c4d5e6f");

    private static object ExampleSubmission(string level) => new
    {
        submissionId = ExampleSubmissionId,
        counter = "VQ-AS-Q1",
        instrument = "NHANH",
        channel = "qr",
        answers = new Dictionary<string, object> { ["HL"] = int.Parse(level, System.Globalization.CultureInfo.InvariantCulture) },
        elapsedSeconds = 12.5,
    };

    /// <summary>The body of <c>POST /api/v1/responses</c> (documentation: the endpoint reads the JSON itself, strictly).</summary>
    /// <param name="SubmissionId">A UUID the client draws once per response and sends again on every retry.</param>
    /// <param name="Counter">The counter's code; or give <paramref name="Token"/>.</param>
    /// <param name="Token">A per-dossier survey token (from the receipt's QR code); the response goes to its counter.</param>
    /// <param name="Instrument">The questionnaire's code.</param>
    /// <param name="Version">The questionnaire version the form showed; the current one when left out.</param>
    /// <param name="Channel">qr, kiosk (enrolled tablets only), paper (officials only) or web.</param>
    /// <param name="Answers">Item code → level (integer), option code, list of option codes or text.</param>
    /// <param name="ElapsedSeconds">Seconds between showing the questions and sending the answers.</param>
    public sealed record SubmissionRequest(Guid SubmissionId, string Instrument, string Channel, IReadOnlyDictionary<string, JsonElement> Answers,
        string? Counter = null, string? Token = null, int? Version = null, double? ElapsedSeconds = null);

    public sealed record InstrumentSummary(string Code, int Version, LocalizedText Title);
    public sealed record CounterSummary(string Code, string Name, string Unit, string UnitName);
    public sealed record CounterInstrument(string Code, int Version, string Title, string TitleEn, bool IsDefault);
    public sealed record CounterDetail(string Code, string Name, string Unit, string UnitName, IReadOnlyList<CounterInstrument> Instruments);
    public sealed record Accepted(Guid SubmissionId, string Receipt);
    public sealed record Receipt(bool Recorded, string Date);
}
