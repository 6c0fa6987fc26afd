using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Api;

/// <summary>
/// <c>/openapi/v1.json</c> describes exactly the app's <c>/api/v1</c> routes (read from its endpoint data source), every
/// operation says what it answers, and every documented example request gets the documented status on a fresh database.
/// </summary>
public sealed partial class OpenApiDocumentTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    public static async Task<JsonDocument> FetchAsync(SurveyAppFactory factory)
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>"/api/v1/counters/{code}/qr.{format:regex(^(png|svg)$)}" → "/api/v1/counters/{code}/qr.{format}".</summary>
    public static string PathOf(string route) => Constraint().Replace(route, "{$1}");

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_with_the_bearer_scheme()
    {
        using var document = await FetchAsync(factory);
        var root = document.RootElement;
        Assert.StartsWith("3.1", root.GetProperty("openapi").GetString());
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Contains("ProblemDetails", root.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name));
    }

    [Fact]
    public async Task Every_api_route_is_documented_and_nothing_else()
    {
        using var document = await FetchAsync(factory);
        var documented = Operations(document.RootElement).Select(o => $"{o.Method} {o.Path}").ToHashSet(StringComparer.Ordinal);
        var routes = (await AppRoutes.OperationsAsync(factory.Services))
            .Where(o => o.Route.StartsWith("/api/v1/", StringComparison.Ordinal))
            .Select(o => $"{o.Method} {PathOf(o.Route)}").ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(routes);
        Assert.Empty(routes.Except(documented));
        Assert.Empty(documented.Except(routes));
    }

    [Fact]
    public async Task Every_operation_has_a_summary_an_id_a_success_schema_problem_answers_and_security()
    {
        using var document = await FetchAsync(factory);
        var problems = new List<string>();
        foreach (var (method, path, op) in Operations(document.RootElement))
        {
            var name = $"{method} {path}";
            if (!op.TryGetProperty("summary", out _)) problems.Add($"{name}: no summary");
            if (!op.TryGetProperty("operationId", out _)) problems.Add($"{name}: no operationId");
            if (!op.TryGetProperty("security", out _)) problems.Add($"{name}: no security (an empty requirement for public operations)");
            var responses = op.GetProperty("responses").EnumerateObject().ToList();
            var success = responses.Where(r => r.Name.StartsWith('2')).ToList();
            if (success.Count == 0) problems.Add($"{name}: no 2xx answer");
            if (success.Any(r => !r.Value.TryGetProperty("content", out var c) || !c.EnumerateObject().Any(m => m.Value.TryGetProperty("schema", out _))))
                problems.Add($"{name}: a 2xx answer without a schema");
            foreach (var error in responses.Where(r => r.Name[0] == '4' && r.Name != "401"))
                if (!error.Value.TryGetProperty("content", out var c) || !c.TryGetProperty("application/problem+json", out _))
                    problems.Add($"{name}: {error.Name} is not a problem document");
            var hasInput = op.TryGetProperty("parameters", out _) || op.TryGetProperty("requestBody", out _);
            if (hasInput && !responses.Any(r => r.Name is "400" or "404")) problems.Add($"{name}: takes input but documents neither 400 nor 404");
            var secured = op.GetProperty("security").EnumerateArray().Any(r => r.EnumerateObject().Any());
            if (secured && !responses.Any(r => r.Name == "401")) problems.Add($"{name}: secured without 401");
        }
        // What the issue names: each of these statuses is documented on the submission endpoint.
        var submit = Operations(document.RootElement).Single(o => o.Method == "POST" && o.Path == "/api/v1/responses").Operation;
        foreach (var status in new[] { "201", "200", "400", "404", "409", "413", "422", "429" })
            if (!submit.GetProperty("responses").TryGetProperty(status, out _)) problems.Add($"POST /api/v1/responses: {status} not documented");
        var indices = Operations(document.RootElement).Single(o => o.Path == "/api/v1/units/{code}/indices").Operation;
        Assert.Equal("bearer", indices.GetProperty("security")[0].EnumerateObject().Single().Name);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_documented_example_request_gets_its_documented_status()
    {
        using var document = await FetchAsync(factory);
        var admin = Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));
        var anonymous = factory.CreateClient();
        var failures = new List<string>();
        var sent = 0;
        foreach (var example in Examples(document.RootElement))
        {
            using var request = new HttpRequestMessage(new HttpMethod(example.Method), example.Url);
            if (example.Body is { } body) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            var response = await (example.Secured ? admin : anonymous).SendAsync(request);
            sent++;
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != example.Status)
                failures.Add($"{example}: {(int)response.StatusCode}, documented {example.Status}: {text[..Math.Min(300, text.Length)]}");
            else if (example.Status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{example}: {example.Status} without a problem document");
        }
        Assert.True(sent >= 20, $"only {sent} examples");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>One documented request: its parameters and body under one example name, and the status whose answer has that name.</summary>
    public sealed record ExampleRequest(string Name, string Method, string Url, string? Body, int Status, bool Secured)
    {
        public override string ToString() => $"{Name}: {Method} {Url} {Body}";
    }

    public static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement root) =>
        from path in root.GetProperty("paths").EnumerateObject()
        from verb in path.Value.EnumerateObject()
        select (verb.Name.ToUpperInvariant(), path.Name, verb.Value);

    /// <summary>Every request example of the document, in document order.</summary>
    public static IEnumerable<ExampleRequest> Examples(JsonElement root)
    {
        foreach (var (method, path, op) in Operations(root))
        {
            var parameters = op.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().ToList() : [];
            var bodyExamples = op.TryGetProperty("requestBody", out var rb)
                ? rb.GetProperty("content").EnumerateObject().First().Value.TryGetProperty("examples", out var be) ? be : default
                : default;
            var names = parameters.Where(p => p.TryGetProperty("examples", out _)).SelectMany(p => p.GetProperty("examples").EnumerateObject().Select(e => e.Name))
                .Concat(bodyExamples.ValueKind == JsonValueKind.Object ? bodyExamples.EnumerateObject().Select(e => e.Name) : [])
                .Distinct().ToList();
            var secured = op.TryGetProperty("security", out var security) && security.EnumerateArray().Any(r => r.EnumerateObject().Any());
            foreach (var name in names)
            {
                var url = path;
                var query = new List<string>();
                foreach (var p in parameters)
                {
                    if (!p.TryGetProperty("examples", out var pe) || !pe.TryGetProperty(name, out var value)) continue;
                    var text = value.GetProperty("value").GetString()!;
                    var parameterName = p.GetProperty("name").GetString()!;
                    if (p.GetProperty("in").GetString() == "path") url = url.Replace("{" + parameterName + "}", Uri.EscapeDataString(text), StringComparison.Ordinal);
                    else query.Add($"{parameterName}={Uri.EscapeDataString(text)}");
                }
                if (query.Count > 0) url += "?" + string.Join("&", query);
                string? body = bodyExamples.ValueKind == JsonValueKind.Object && bodyExamples.TryGetProperty(name, out var b) ? b.GetProperty("value").GetRawText() : null;
                var status = op.GetProperty("responses").EnumerateObject()
                    .Where(r => r.Value.TryGetProperty("content", out var c) && c.EnumerateObject().Any(m => m.Value.TryGetProperty("examples", out var ex) && ex.TryGetProperty(name, out _)))
                    .Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.True(status.Count == 1, $"{method} {path} example {name}: answered under {status.Count} statuses");
                Assert.DoesNotContain("{", url);
                yield return new ExampleRequest(name, method, url, body, status[0], secured);
            }
        }
    }

    [GeneratedRegex(@"\{([^:}]+):[^}]*\}")]
    private static partial Regex Constraint();
}

/// <summary>
/// docs/openapi/v1.json is the document the app serves (without its <c>servers</c>, which name the asking host): the
/// generated client (tests/CchcSurvey.Client.Tests) is built from it. <c>CCHC_UPDATE_OPENAPI=1</c> rewrites it.
/// </summary>
public sealed class OpenApiSnapshotTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task The_committed_document_is_the_one_the_app_serves()
    {
        var live = System.Text.Json.Nodes.JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!.AsObject();
        live.Remove("servers");
        var text = live.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        var file = Path.Combine(ApiReferenceTests.RepositoryRoot(), "docs", "openapi", "v1.json");
        if (Environment.GetEnvironmentVariable("CCHC_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, text);
        }
        Assert.True(File.Exists(file), "docs/openapi/v1.json is missing: run this test with CCHC_UPDATE_OPENAPI=1");
        Assert.True(text == (await File.ReadAllTextAsync(file)).ReplaceLineEndings("\n"),
            "docs/openapi/v1.json differs from /openapi/v1.json: run this test with CCHC_UPDATE_OPENAPI=1 and commit the file");
    }
}
