using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CchcSurvey.Web.Api;

/// <summary>
/// One documented example of an operation: the request (path and query parameters, JSON body) and the answer it
/// gets, under the same name in the request and in the response of <see cref="Status"/>. The tests send every
/// request example in document order against a fresh demo database and expect that status, so an example is a
/// promise, not an illustration.
/// </summary>
/// <param name="Parameters">Path and query values by parameter name.</param>
/// <param name="Body">The JSON request body, or null.</param>
/// <param name="Response">The response body shown (a problem document for errors); null: the status says it all.</param>
public sealed record ApiExample(string Name, string Summary, int Status, IReadOnlyDictionary<string, string>? Parameters = null, object? Body = null, object? Response = null);

/// <summary>The OpenAPI 3.1 document at <c>/openapi/v1.json</c>: only <c>/api/v1</c>, with the bearer scheme and examples.</summary>
public static class ApiDocumentation
{
    public const string DocumentName = "v1";
    public const string BearerScheme = "bearer";
    public const string ProblemJson = "application/problem+json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            // Pages, health checks and the benchmark echo are not part of the integrators' contract.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer(async (document, context, ct) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CchcSurvey API",
                    Version = "v1",
                    Description = "Kiosks, one-stop (một cửa) software and dashboards talk to CchcSurvey over this API. " +
                        "Errors are RFC 9457 problem details (application/problem+json). Official operations take " +
                        "`Authorization: Bearer <token>` (a personal API token from /account/tokens); outside the token owner's " +
                        "scope every unit, counter or file answers 404. Guide: docs/integration.md; reference page: /docs/api.",
                    License = new OpenApiLicense { Name = "Proprietary: the province's own platform", Identifier = "LicenseRef-CchcSurvey" },
                };
                // The generator names the address the document was asked at, with a trailing slash that clients would double.
                foreach (var server in document.Servers ?? [])
                    server.Url = server.Url?.TrimEnd('/');
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A personal API token of an official (created once on /account/tokens, shown once). " +
                        "Managers' and administrators' tokens may issue survey tokens and push dossier counts; every official's token reads figures in scope.",
                };
                await AddWebhooksAsync(document, context, ct);
                document.Tags = new HashSet<OpenApiTag>
                {
                    new() { Name = "Survey", Description = "Public: counters, questionnaires, answers and receipts (kiosks, phones)." },
                    new() { Name = "One-stop", Description = "Per-dossier survey tokens and monthly dossier counts (managers' and administrators' tokens)." },
                    new() { Name = "Figures", Description = "Indices, rankings and exports for officials, within their scope." },
                    new() { Name = "Webhooks", Description = "What the platform POSTs to receivers registered on /admin/webhooks (docs/integration.md)." },
                };
            });
            // The reports are written without a type discriminator (InstrumentReport's own serialisation); the
            // generator would announce "$type", which no answer carries and generated clients would then demand.
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if (schema.Discriminator?.PropertyName == "$type") schema.Discriminator = null;
                // counter and token are left out when unused; an explicit null is refused (400). (version and
                // elapsedSeconds do take null.)
                if (context.JsonTypeInfo.Type == typeof(SurveyApi.SubmissionRequest))
                    foreach (var property in (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).Values.OfType<OpenApiSchema>())
                        if (property.Type == (JsonSchemaType.String | JsonSchemaType.Null)) property.Type = JsonSchemaType.String;
                return Task.CompletedTask;
            });
            // Every operation that needs an official says so, with the answers of a missing or refused token.
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
                {
                    // An empty requirement: anyone may call it, said explicitly.
                    operation.Security = [new OpenApiSecurityRequirement()];
                    return Task.CompletedTask;
                }
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or a revoked, expired or locked official's token." });
                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// OpenAPI 3.1 <c>webhooks</c>: one POST per event of <see cref="Webhooks.WebhookEvents.All"/>, with its body's schema
    /// and the signature headers, so that receivers can be generated and checked like clients.
    /// </summary>
    private static async Task AddWebhooksAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var e in Webhooks.WebhookEvents.All)
        {
            var name = e.DataType.Name.Replace("Data", "Delivery", StringComparison.Ordinal);
            document.Components.Schemas[name] = await context.GetOrCreateSchemaAsync(typeof(Webhooks.WebhookEnvelope<>).MakeGenericType(e.DataType), cancellationToken: ct);
            var headers = new (string Name, string Description)[]
            {
                (Webhooks.WebhookSigner.IdHeader, "The delivery id (as `id` in the body): the same on every attempt; drop one already received."),
                (Webhooks.WebhookSigner.EventHeader, "The event name."),
                (Webhooks.WebhookSigner.TimestampHeader, "Unix seconds of this attempt; refuse one more than 5 minutes from your clock."),
                (Webhooks.WebhookSigner.SignatureHeader, "v1=hex(HMAC-SHA256(secret, \"{timestamp}.{body}\")) over the exact bytes received."),
            };
            document.Webhooks[e.Name] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new()
                    {
                        OperationId = "webhook" + string.Concat(e.Name.Split('.').Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
                        Summary = e.En,
                        Description = $"{e.Vi}. Sent as JSON, signed; retried with growing waits for a day until the receiver answers 2xx within 10 s.",
                        Tags = new HashSet<OpenApiTagReference> { new("Webhooks", document) },
                        Security = [new OpenApiSecurityRequirement()],
                        Parameters = headers.Select(h => (IOpenApiParameter)new OpenApiParameter
                        {
                            Name = h.Name, In = ParameterLocation.Header, Required = true, Description = h.Description,
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        }).ToList(),
                        RequestBody = new OpenApiRequestBody
                        {
                            Required = true,
                            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, document) } },
                        },
                        Responses = new OpenApiResponses
                        {
                            ["200"] = new OpenApiResponse { Description = "Received (any 2xx). Anything else, or no answer within 10 s, is retried." },
                            ["400"] = new OpenApiResponse { Description = "Refused (bad signature or old timestamp): retried like any failure." },
                        },
                    },
                },
            };
        }
    }

    /// <summary>Summary, tag and the documented answers of every problem status the operation gives.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string tag, string operationId, string summary, string description, params int[] problems)
    {
        builder.WithName(operationId).WithTags(tag).WithSummary(summary).WithDescription(description);
        foreach (var status in problems)
            builder = status == StatusCodes.Status400BadRequest
                ? builder.ProducesValidationProblem(contentType: ProblemJson)
                : builder.ProducesProblem(status, ProblemJson);
        return builder;
    }

    /// <summary>
    /// The JSON body an endpoint reads itself. Not <c>Accepts</c>: its metadata would make routing answer 415 to another
    /// content type, where the contract says 400 with a problem naming the expected type.
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var name = typeof(T).Name;
            context.Document!.Components ??= new OpenApiComponents();
            context.Document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            if (!context.Document.Components.Schemas.ContainsKey(name))
                context.Document.Components.Schemas[name] = await context.GetOrCreateSchemaAsync(typeof(T), cancellationToken: ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, context.Document) } },
            };
        });

    /// <summary>Query parameters an endpoint reads from the request itself (so that it can answer a problem for a bad value).</summary>
    public static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder builder, params (string Name, string Description)[] parameters) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, description) in parameters)
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Query,
                    Required = false,
                    Description = description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            return Task.CompletedTask;
        });

    public static readonly (string, string)[] FigureFilters =
    [
        ("from", "First local date, yyyy-MM-dd (inclusive)."),
        ("to", "Last local date, yyyy-MM-dd (inclusive)."),
        ("channel", "Only responses of one channel: qr, kiosk, paper or web."),
        ("includeFlagged", "true includes suspect (flagged) responses; false, the default, leaves them out (docs/methodology.md §6)."),
    ];

    /// <summary>The <c>units</c> view of the figure endpoints (Indices/HistoricalUnits.cs).</summary>
    public static readonly (string, string) UnitsView =
        ("units", "now (default) or then: list the units as they are now, or as they were in the period (a unit created by a later " +
            "reorganisation is replaced by the units merged into it). Changes which units a ranking lists, never a unit's own figures.");

    /// <summary>Adds request and response examples (see <see cref="ApiExample"/>).</summary>
    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, params ApiExample[] examples) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var example in examples)
            {
                foreach (var (name, value) in example.Parameters ?? new Dictionary<string, string>())
                {
                    var parameter = operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == name)
                        ?? throw new InvalidOperationException($"Example {example.Name}: the operation has no parameter '{name}'.");
                    parameter.Examples ??= new Dictionary<string, IOpenApiExample>();
                    parameter.Examples[example.Name] = new OpenApiExample { Summary = example.Summary, Value = JsonValue.Create(value) };
                }
                if (example.Body is not null)
                {
                    var media = operation.RequestBody?.Content?.Values.FirstOrDefault()
                        ?? throw new InvalidOperationException($"Example {example.Name}: the operation has no request body.");
                    media.Examples ??= new Dictionary<string, IOpenApiExample>();
                    media.Examples[example.Name] = new OpenApiExample { Summary = example.Summary, Value = JsonSerializer.SerializeToNode(example.Body, Json) };
                }
                var status = example.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (operation.Responses?.TryGetValue(status, out var response) != true || response is not OpenApiResponse documented)
                    throw new InvalidOperationException($"Example {example.Name}: status {status} is not documented.");
                documented.Content ??= new Dictionary<string, OpenApiMediaType>();
                var contentType = example.Status >= 400 ? ProblemJson : documented.Content.Keys.FirstOrDefault() ?? "application/json";
                if (!documented.Content.TryGetValue(contentType, out var answer))
                    documented.Content[contentType] = answer = new OpenApiMediaType();
                answer.Examples ??= new Dictionary<string, IOpenApiExample>();
                answer.Examples[example.Name] = new OpenApiExample
                {
                    Summary = example.Summary,
                    Value = example.Response is null ? null : JsonSerializer.SerializeToNode(example.Response, Json),
                };
            }
            return Task.CompletedTask;
        });

    /// <summary>The problem document an example shows for an error status.</summary>
    public static object Problem(int status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        errors is null
            ? new { type = TypeOf(status), title, status, detail }
            : new { type = TypeOf(status), title, status, detail, errors };

    private static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        422 => "https://tools.ietf.org/html/rfc4918#section-11.2",
        _ => "about:blank",
    };
}
