using System.Text.Json;
using CchcSurvey.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CchcSurvey.Web.Pages.Docs;

/// <summary>
/// The API reference for integrators, rendered on the server from the very document served at
/// <c>/openapi/v1.json</c>: no script, no external request, nothing the site's Content-Security-Policy would refuse.
/// (The ready-made viewers need inline styles that the nonce-based policy forbids.)
/// </summary>
public sealed class ApiModel([FromKeyedServices(ApiDocumentation.DocumentName)] IOpenApiDocumentProvider provider) : PageModel
{
    public sealed record Example(string Name, string? Summary, string Json);
    public sealed record Parameter(string Name, string In, bool Required, string Type, string? Description, IReadOnlyList<Example> Examples);
    public sealed record MediaContent(string ContentType, string? SchemaRef, string? SchemaJson, IReadOnlyList<Example> Examples);
    public sealed record Answer(string Status, string? Description, IReadOnlyList<MediaContent> Contents);
    public sealed record Operation(string Method, string Path, string? Id, string? Summary, string? Description, string Tag, bool Secured,
        IReadOnlyList<Parameter> Parameters, MediaContent? Body, IReadOnlyList<Answer> Answers);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Title { get; private set; } = "";
    public string? Description { get; private set; }
    public string Version { get; private set; } = "";
    public string? BearerDescription { get; private set; }
    public IReadOnlyList<(string Name, string? Description)> Tags { get; private set; } = [];
    public IReadOnlyList<Operation> Operations { get; private set; } = [];
    public IReadOnlyList<(string Name, string Json)> Schemas { get; private set; } = [];
    public IReadOnlyList<(string Name, string? Summary, string? Description, string? SchemaRef)> Webhooks { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var document = await provider.GetOpenApiDocumentAsync(ct);
        using var parsed = JsonDocument.Parse(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, ct));
        var root = parsed.RootElement;
        var info = root.GetProperty("info");
        Title = Text(info, "title") ?? "API";
        Description = Text(info, "description");
        Version = root.GetProperty("openapi").GetString() ?? "";
        if (root.TryGetProperty("components", out var components))
        {
            if (components.TryGetProperty("securitySchemes", out var schemes) && schemes.TryGetProperty(ApiDocumentation.BearerScheme, out var bearer))
                BearerDescription = Text(bearer, "description");
            if (components.TryGetProperty("schemas", out var schemas))
                Schemas = schemas.EnumerateObject().Select(s => (s.Name, Pretty(s.Value))).ToList();
        }
        if (root.TryGetProperty("tags", out var tags))
            Tags = tags.EnumerateArray().Select(t => (Text(t, "name") ?? "", Text(t, "description"))).ToList();

        var operations = new List<Operation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
            foreach (var verb in path.Value.EnumerateObject())
            {
                var op = verb.Value;
                var parameters = op.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => new Parameter(Text(p, "name") ?? "", Text(p, "in") ?? "", p.TryGetProperty("required", out var r) && r.GetBoolean(),
                        p.TryGetProperty("schema", out var s) ? TypeOf(s) : "", Text(p, "description"), Examples(p))).ToList()
                    : [];
                MediaContent? body = null;
                if (op.TryGetProperty("requestBody", out var rb) && rb.TryGetProperty("content", out var rbc))
                    body = rbc.EnumerateObject().Select(ContentOf).FirstOrDefault();
                var answers = op.TryGetProperty("responses", out var rs)
                    ? rs.EnumerateObject().OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => new Answer(a.Name, Text(a.Value, "description"),
                        a.Value.TryGetProperty("content", out var c) ? c.EnumerateObject().Select(ContentOf).ToList() : [])).ToList()
                    : [];
                var tag = op.TryGetProperty("tags", out var t) && t.GetArrayLength() > 0 ? t[0].GetString() ?? "" : "";
                var secured = op.TryGetProperty("security", out var sec) && sec.EnumerateArray().Any(x => x.EnumerateObject().Any());
                operations.Add(new Operation(verb.Name.ToUpperInvariant(), path.Name, Text(op, "operationId"), Text(op, "summary"), Text(op, "description"),
                    tag, secured, parameters, body, answers));
            }
        var order = Tags.Select(t => t.Name).ToList();
        Operations = operations.OrderBy(o => order.IndexOf(o.Tag) is var i && i < 0 ? int.MaxValue : i).ThenBy(o => o.Path, StringComparer.Ordinal).ToList();

        if (root.TryGetProperty("webhooks", out var hooks))
            Webhooks = hooks.EnumerateObject().Select(h =>
            {
                var post = h.Value.TryGetProperty("post", out var p) ? p : h.Value;
                string? schemaRef = null;
                if (post.TryGetProperty("requestBody", out var whb) && whb.TryGetProperty("content", out var whc))
                    schemaRef = whc.EnumerateObject().Select(ContentOf).FirstOrDefault()?.SchemaRef;
                return (h.Name, Text(post, "summary"), Text(post, "description"), schemaRef);
            }).ToList();
    }

    private static MediaContent ContentOf(JsonProperty media)
    {
        string? reference = null, schema = null;
        if (media.Value.TryGetProperty("schema", out var s))
        {
            if (s.TryGetProperty("$ref", out var r) && s.EnumerateObject().Count() == 1) reference = SchemaName(r.GetString());
            else schema = Pretty(s);
        }
        return new MediaContent(media.Name, reference, schema, Examples(media.Value));
    }

    private static List<Example> Examples(JsonElement element) =>
        element.TryGetProperty("examples", out var examples)
            ? examples.EnumerateObject().Select(e => new Example(e.Name, Text(e.Value, "summary"),
                e.Value.TryGetProperty("value", out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : Pretty(v)) : "")).ToList()
            : [];

    private static string TypeOf(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) ? (type.ValueKind == JsonValueKind.Array ? string.Join(" | ", type.EnumerateArray().Select(t => t.GetString())) : type.GetString() ?? "")
        : schema.TryGetProperty("$ref", out var r) ? SchemaName(r.GetString()) : "";

    public static string SchemaName(string? reference) => reference?[(reference.LastIndexOf('/') + 1)..] ?? "";

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Pretty(JsonElement element) => JsonSerializer.Serialize(element, Indented);
}
