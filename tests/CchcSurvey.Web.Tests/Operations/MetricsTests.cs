using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace CchcSurvey.Web.Tests.Operations;

/// <summary>/metrics: Prometheus text, only when Metrics:Enabled, only to Metrics:AllowedNetworks, nothing about answers.</summary>
public sealed partial class MetricsTests : IClassFixture<MetricsTests.Factory>
{
    public sealed class Factory : SurveyAppFactory
    {
        public Factory()
        {
            ExtraSettings["Metrics:Enabled"] = "true";
            ExtraSettings["Metrics:AllowedNetworks:0"] = "10.1.0.0/16";
            ExtraSettings["Metrics:AllowedNetworks:1"] = "fd00:5::/64";
        }
    }

    private readonly Factory _factory;

    public MetricsTests(Factory factory) => _factory = factory;

    private async Task<(HttpStatusCode Status, string? Type, string Body)> ScrapeAsync(string? from, bool throughProxy = false)
    {
        var context = await _factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/metrics";
            c.Connection.RemoteIpAddress = from is null ? null : IPAddress.Parse(from);
            if (throughProxy) c.Request.Headers["X-Forwarded-Proto"] = "https";
        });
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return ((HttpStatusCode)context.Response.StatusCode, context.Response.ContentType, body);
    }

    [Fact]
    public async Task Only_the_allowed_networks_read_the_metrics_others_find_nothing()
    {
        var allowed = await ScrapeAsync("10.1.200.7");
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.StartsWith("text/plain", allowed.Type);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync("fd00:5::42")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ScrapeAsync("::ffff:10.1.0.1")).Status);

        foreach (var other in new[] { "10.2.0.1", "127.0.0.1", "fd00:6::1" })
        {
            var refused = await ScrapeAsync(other);
            Assert.Equal(HttpStatusCode.NotFound, refused.Status);
            Assert.DoesNotContain("cchc_", refused.Body);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(null)).Status);
        // Relayed by the reverse proxy (on an allowed address, as nginx on the same host is): not for the Internet.
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync("10.1.0.9", throughProxy: true)).Status);
        // The test client has no address at all: not in any network.
        Assert.Equal(HttpStatusCode.NotFound, (await _factory.CreateClient().GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Submissions_writer_and_request_durations_are_counted_without_anything_about_the_answers()
    {
        var client = _factory.CreateClient();
        var id = Guid.NewGuid();
        const string comment = "Cán bộ Nguyễn Văn Quýt-7781 rất tận tình";
        var created = await client.PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = id, counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr",
            answers = new Dictionary<string, object> { ["HL"] = 2, ["LY_DO"] = new[] { "cho_lau" }, ["GOP_Y"] = comment },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var invalid = await client.PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = Guid.NewGuid(), counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr",
            answers = new Dictionary<string, object> { ["HL"] = 9 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var conflict = await client.PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = id, counter = "VQ-AS-Q1", instrument = "NHANH", channel = "qr",
            answers = new Dictionary<string, object> { ["HL"] = 5 },
        });
        Assert.Equal((HttpStatusCode)422, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/counters")).StatusCode);

        var metrics = (await ScrapeAsync("10.1.0.9")).Body;
        Assert.Matches(@"cchc_submissions_acknowledged_total\{outcome=""created""\} [1-9]", metrics);
        Assert.Matches(@"cchc_submissions_refused_total\{reason=""invalid""\} [1-9]", metrics);
        Assert.Matches(@"cchc_submissions_refused_total\{reason=""id_conflict""\} [1-9]", metrics);
        Assert.Matches(@"cchc_writer_batch_commit_seconds_count [1-9]", metrics);
        Assert.Contains("cchc_writer_queue_length ", metrics);
        Assert.Contains("cchc_database_connection_failures_total", metrics);
        // Request durations per endpoint: labelled by route pattern, never by the values in the path.
        Assert.Matches(@"http_request_duration_seconds_count\{[^}]*endpoint=""/api/v1/responses""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"http_request_duration_seconds_count\{[^}]*endpoint=""/api/v1/counters""[^}]*\} [1-9]", metrics);

        // Nothing about an answer: no item code, option, comment, counter, unit, instrument or submission id in any
        // name, label or help text. The samples' values are left out of the search: they are numbers, and a duration
        // such as 0.0547781 holds the comment's "7781" by chance (this test failed so once).
        var text = string.Join('\n', metrics.Split('\n').Select(line => line.StartsWith('#') ? line : SampleValue().Replace(line, "")));
        Assert.Contains("http_request_duration_seconds_count{", text);
        foreach (var secret in new[] { "HL", "LY_DO", "cho_lau", "GOP_Y", "Quýt", "7781", "VQ-AS", "NHANH", id.ToString(), id.ToString("N") })
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The value (and optional timestamp) at the end of a sample line of the Prometheus text format.</summary>
    [GeneratedRegex(@" [-+0-9.eEInfNa]+( [0-9]+)?$")]
    private static partial Regex SampleValue();
}

/// <summary>Without Metrics:Enabled there is no /metrics, whoever asks.</summary>
public sealed class MetricsDisabledTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task Metrics_are_off_by_default()
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/metrics";
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
        });
        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
    }
}
