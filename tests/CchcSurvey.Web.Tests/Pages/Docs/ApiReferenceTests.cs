using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Api;

/// <summary>
/// The reference page <c>/docs/api</c> shows every operation of the document without a script or any address
/// outside the site; the document lints clean with Redocly's CLI (an independent validator).
/// </summary>
public sealed partial class ApiReferenceTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task The_reference_page_lists_every_operation_and_loads_nothing_from_elsewhere()
    {
        using var document = await OpenApiDocumentTests.FetchAsync(factory);
        var response = await factory.CreateClient().GetAsync("/docs/api");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("default-src 'self'", string.Join(" ", response.Headers.GetValues("Content-Security-Policy")));
        foreach (var (method, path, op) in OpenApiDocumentTests.Operations(document.RootElement))
        {
            Assert.Contains($"id=\"op-{op.GetProperty("operationId").GetString()}\"", html);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(path), html);
        }
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        // Every resource the page loads (src, stylesheet links) is on this site.
        foreach (Match m in Resource().Matches(html))
            Assert.StartsWith("/", m.Groups[1].Value);
        Assert.Contains("href=\"/openapi/v1.json\"", html);

        var english = await (await factory.CreateClient().GetAsync("/docs/api?culture=en")).Content.ReadAsStringAsync();
        Assert.Contains("API reference for integrators", english);
    }

    /// <summary>Redocly CLI from npm, installed by .ci/run under .tools/ (not in git). Without it the test is skipped, except in CI.</summary>
    [SkippableFact]
    public async Task The_document_lints_clean_with_redocly()
    {
        var root = RepositoryRoot();
        var redocly = Path.Combine(root, ".tools", "redocly", "node_modules", ".bin", "redocly");
        if (!File.Exists(redocly))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI=true but {redocly} is missing: .ci/run installs it");
            Skip.If(true, "Redocly CLI is not installed (.ci/run installs it under .tools/redocly)");
        }
        var file = Path.Combine(Path.GetTempPath(), $"cchc-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        try
        {
            var start = new ProcessStartInfo(redocly, ["lint", file, "--config", Path.Combine(root, "redocly.yaml"), "--format", "stylish"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            // No usage report and no update check: the test sends nothing anywhere.
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var text = await output + await error;
            Assert.True(process.ExitCode == 0, text);
            // Stylish format: "  12:7  warning  rule-name  message" per problem.
            Assert.False(Problem().IsMatch(text), text);
            Assert.Contains("valid", text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CchcSurvey.sln"))) return dir.FullName;
        throw new InvalidOperationException("CchcSurvey.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*\d+:\d+\s+(warning|error)\s", RegexOptions.Multiline)]
    private static partial Regex Problem();

    [GeneratedRegex("(?:src|<link[^>]*href)=\"([^\"]*)\"")]
    private static partial Regex Resource();
}
