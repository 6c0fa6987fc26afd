using System.Text.RegularExpressions;
using System.Net;
using System.Net.Http.Json;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Integrity;

/// <summary>
/// The duplicate-detection store: device keys hashed with a secret of the day, nothing identifying kept with a
/// response, and rows (and secrets) older than 72 hours deleted by the cleanup job.
/// </summary>
public sealed class AnonymityKeyStoreTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task A_sighting_stores_only_an_hmac_of_the_device_the_counter_and_the_hour()
    {
        var device = await IssuedDeviceAsync(factory);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/responses") { Content = JsonContent.Create(Nhanh(Guid.NewGuid(), 4, counter: "VQ-TL-Q1")) };
        request.Headers.Add("Cookie", $"cchc_device={device}");
        Assert.Equal(HttpStatusCode.Created, (await factory.CreateClient().SendAsync(request)).StatusCode);

        var sighting = factory.WithDatabase(db => db.DeviceSightings.AsNoTracking().Single(s => s.CounterId == db.Counters.Single(c => c.Code == "VQ-TL-Q1").Id));
        Assert.Matches("^[0-9a-f]{64}$", sighting.KeyHash);
        Assert.DoesNotContain(device, sighting.KeyHash);
        Assert.Equal(0, sighting.HourUtc.Minute);
        Assert.Equal(0, sighting.HourUtc.Second);
        Assert.True(factory.WithDatabase(db => db.SightingSecrets.Any()));
        Assert.False(DatabaseFilesContain(factory, device), "the raw device cookie is in the database");
        // The rate limiter's key is a hash as well.
        Assert.DoesNotContain(device, DeviceKeys.RateLimitKey(device));
        Assert.Equal(DeviceKeys.RateLimitKey(device), DeviceKeys.RateLimitKey(device));
    }

    [Fact]
    public async Task Cleanup_deletes_sightings_and_secrets_older_than_72_hours_and_keeps_the_rest()
    {
        var now = DateTime.UtcNow;
        DateTime Hour(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);
        var counterId = factory.WithDatabase(db => db.Counters.Single(c => c.Code == "VQ-LN-Q1").Id);
        factory.WithDatabase(db =>
        {
            db.DeviceSightings.AddRange(
                new DeviceSighting { KeyHash = new string('a', 64), CounterId = counterId, HourUtc = Hour(now.AddHours(-73)) },
                new DeviceSighting { KeyHash = new string('b', 64), CounterId = counterId, HourUtc = Hour(now.AddHours(-100)) },
                new DeviceSighting { KeyHash = new string('c', 64), CounterId = counterId, HourUtc = Hour(now.AddHours(-71)) },
                new DeviceSighting { KeyHash = new string('d', 64), CounterId = counterId, HourUtc = Hour(now) });
            db.SightingSecrets.Add(new SightingSecret { Day = DateOnly.FromDateTime(now.AddDays(-6)), Secret = new byte[32] });
            return db.SaveChanges();
        });

        var deleted = await factory.Services.GetRequiredService<SightingCleanup>().CleanupAsync(CancellationToken.None);
        Assert.True(deleted >= 2);
        var left = factory.WithDatabase(db => db.DeviceSightings.Where(s => s.CounterId == counterId).Select(s => s.KeyHash.Substring(0, 1)).ToList());
        Assert.Equal(["c", "d"], left.Order());
        Assert.False(factory.WithDatabase(db => db.SightingSecrets.Any(s => s.Day == DateOnly.FromDateTime(now.AddDays(-6)))));
    }

    [Fact]
    public void Responses_and_sightings_have_no_column_for_an_address_an_agent_or_an_exact_time()
    {
        string[] forbidden = ["ip", "agent", "address", "cookie", "fingerprint", "device", "minute", "second", "timestamp", "created", "dossier"];
        foreach (var table in new[] { "Responses", "DeviceSightings", "DossierTokens" })
        {
            var columns = factory.WithDatabase(db => db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_table_info({table})").ToList());
            Assert.NotEmpty(columns);
            foreach (var column in columns)
                Assert.DoesNotContain(forbidden, f => column.Contains(f, StringComparison.OrdinalIgnoreCase));
        }
        var times = factory.WithDatabase(db => db.Model.FindEntityType(typeof(Response))!.GetProperties().Where(p => p.ClrType == typeof(DateTime)).Select(p => p.Name).ToList());
        Assert.Equal(["SubmittedHourUtc"], times);
    }

    /// <summary>
    /// Reading the client's address or agent, taking it from a proxy's X-Forwarded-For, or HTTP request logging (which
    /// logs them), anywhere in the app. The forwarded-headers middleware is allowed (behind the reverse proxy the
    /// app must know the request came over HTTPS) but only for X-Forwarded-Proto: its XForwardedFor flag is not.
    /// </summary>
    private static readonly string[] Identifying =
        ["RemoteIpAddress", "UserAgent", "User-Agent", "X-Forwarded-For", "XForwardedFor", "AddHttpLogging", "UseHttpLogging", "AddW3CLogging", "UseW3CLogging"];

    [Fact]
    public void No_source_file_reads_the_client_address_or_user_agent_or_logs_requests()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CchcSurvey.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var hits = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => File.ReadAllText(f) is var text && Identifying.Any(word => text.Contains(word, StringComparison.Ordinal) && !Allowed(f, word, text)))
            .ToList();
        // One exception: the /metrics gate compares the connection's address with Metrics:AllowedNetworks (operators'
        // scrapers, never a citizen's request: it runs only for /metrics) and keeps nothing of it.
        var metricsGate = Path.Combine(root, "src", "CchcSurvey.Web", "Operations", "SurveyMetrics.cs");
        Assert.Single(Regex.Matches(File.ReadAllText(metricsGate), "RemoteIpAddress"));
        hits.Remove(metricsGate);
        Assert.Empty(hits);
    }

    /// <summary>
    /// The two reviewed exceptions (issue #14): the forwarded-headers middleware taking the scheme only (never
    /// X-Forwarded-For), and the /metrics guard comparing the peer's address with Metrics:AllowedNetworks.
    /// </summary>
    private static bool Allowed(string file, string word, string text) =>
        (file.EndsWith($"{Path.DirectorySeparatorChar}Program.cs", StringComparison.Ordinal) && word == "UseForwardedHeaders"
            && !text.Contains("XForwardedFor", StringComparison.Ordinal) && !text.Contains("ForwardedHeaders.All", StringComparison.Ordinal))
        || (file.EndsWith($"{Path.DirectorySeparatorChar}Operations{Path.DirectorySeparatorChar}SurveyMetrics.cs", StringComparison.Ordinal) && word == "RemoteIpAddress");
}
