using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Api;

/// <summary>The app on a real Kestrel socket on 127.0.0.1, so that the real curl can reach it.</summary>
public sealed class KestrelSurveyAppFactory : SurveyAppFactory
{
    public string BaseUrl { get; }

    public KestrelSurveyAppFactory()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        BaseUrl = $"http://127.0.0.1:{port}";
        ExtraSettings["Survey:PublicBaseUrl"] = BaseUrl;
        UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        StartServer();
    }
}

/// <summary>
/// docs/integration.md's curl commands, run as written by bash and the real curl against the app on 127.0.0.1 with a
/// district manager's token; each answers the status the guide writes under it (<c># → 201</c>).
/// </summary>
public sealed partial class IntegrationGuideTests(KestrelSurveyAppFactory factory) : IClassFixture<KestrelSurveyAppFactory>
{
    [SkippableFact]
    public async Task The_guides_curl_commands_answer_as_documented()
    {
        Skip.If(!File.Exists("/usr/bin/curl") && Environment.GetEnvironmentVariable("CI") != "true", "curl is not installed");
        var guide = await File.ReadAllTextAsync(Path.Combine(ApiReferenceTests.RepositoryRoot(), "docs", "integration.md"));
        var blocks = Block().Matches(guide).Select(m => m.Groups[1].Value).Where(b => b.Contains("curl ", StringComparison.Ordinal)).ToList();
        Assert.True(blocks.Count >= 4, $"only {blocks.Count} curl blocks");
        var expected = blocks.SelectMany(b => Expectation().Matches(b)).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(blocks.Sum(b => Regex.Matches(b, @"\bcurl -").Count), expected.Count);

        await AddOfficialAsync(factory, "motcua@vanquan.gov.vn", "manager", "VQ");
        var token = await ApiTokenAsync(factory, "motcua@vanquan.gov.vn");
        var statuses = Path.GetTempFileName();
        // A curl that records each status in a file and prints the body unchanged, so the guide's pipes still work.
        var script = "set -u\n" +
            "curl() { local out; out=$(command curl -w '\\n%{http_code}' \"$@\"); printf '%s\\n' \"${out##*$'\\n'}\" >> \"$STATUS_FILE\"; printf '%s\\n' \"${out%$'\\n'*}\"; }\n" +
            string.Join("\n", blocks);
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["CCHC_URL"] = factory.BaseUrl;
        start.Environment["CCHC_TOKEN"] = token;
        start.Environment["STATUS_FILE"] = statuses;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var got = (await File.ReadAllLinesAsync(statuses)).Where(l => l.Length > 0).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        File.Delete(statuses);
        Assert.True(expected.SequenceEqual(got), $"documented {string.Join(",", expected)}, got {string.Join(",", got)}\n{output}\n{error}");
        Assert.Contains($"\"url\":\"{factory.BaseUrl}/t/", output);
        Assert.Contains("\"written\":2", output);
    }

    [GeneratedRegex(@"```bash\n([\s\S]*?)```")]
    private static partial Regex Block();

    [GeneratedRegex(@"^# → (\d{3})", RegexOptions.Multiline)]
    private static partial Regex Expectation();
}
