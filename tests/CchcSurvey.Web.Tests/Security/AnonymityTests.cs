using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CchcSurvey.Core.Integrity;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Workspace;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Security;

/// <summary>
/// METHODOLOGY §6, Unlinkable and Channels are earned, against a database reader, an official and a token issuer
/// (docs/security.md): what is stored and shown cannot tie an answer to a token, a time finer than the day
/// (officials) or an order of arrival; anonymous callers cannot claim kiosk or paper; a made-up device cookie is none.
/// </summary>
public sealed class AnonymityTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<HttpClient> AdminBearerAsync() => Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Every row of a table as column → text (null as "NULL"), read with plain SQL as a database reader would.</summary>
    private List<Dictionary<string, string>> Rows(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={factory.DatabaseFile};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.IsDBNull(i) ? "NULL"
                    : reader.GetValue(i) is byte[] bytes ? Convert.ToHexStringLower(bytes) : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task A_token_response_and_a_counter_qr_response_with_the_same_answers_differ_only_in_ids_and_flags_and_nothing_stored_derives_from_the_token()
    {
        // A fresh counter-hour: both responses in the same hour, with separate browsers (no repeat-device flag).
        for (var attempt = 0; ; attempt++)
        {
            var (token, _, _) = await IssueAsync(await AdminBearerAsync(), "VQ-NV-Q1");
            var hour = DateTime.UtcNow.Hour;
            var citizen = factory.CreateBrowserClient();
            var viaToken = await SurveyForm.OpenAsync(citizen, $"/t/{token}");
            Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(citizen, viaToken, ("HL", "4"), ("LY_DO", "thai_do"))).StatusCode);
            var passerBy = factory.CreateBrowserClient();
            var viaQr = await SurveyForm.OpenAsync(passerBy, "/s/VQ-NV-Q1");
            Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(passerBy, viaQr, ("HL", "4"), ("LY_DO", "thai_do"))).StatusCode);
            if (DateTime.UtcNow.Hour != hour && attempt < 2) continue;   // crossed an hour boundary: try again

            var pair = Rows($"SELECT * FROM \"Responses\" WHERE \"SubmissionId\" IN ('{viaToken.SubmissionId.ToString().ToUpperInvariant()}', '{viaQr.SubmissionId.ToString().ToUpperInvariant()}')");
            Assert.Equal(2, pair.Count);
            foreach (var column in pair[0].Keys.Where(c => c is not ("Id" or "SubmissionId" or "Flags")))
                Assert.True(pair[0][column] == pair[1][column], $"Responses.{column} differs between a token response and a counter-QR response: '{pair[0][column]}' vs '{pair[1][column]}'");

            // The token row keeps what single use needs: its hash, counter, expiry and that it was used — no time of use.
            var tokenHash = Sha256(token);
            var tokenRow = Assert.Single(Rows($"SELECT * FROM \"DossierTokens\" WHERE \"TokenHash\" = '{tokenHash}'"));
            Assert.Equal(["CounterId", "ExpiresUtc", "Id", "TokenHash", "Used"], tokenRow.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("1", tokenRow["Used"]);

            // No other table holds the token, its hash (either case) or anything a reader could recompute from them.
            string[] derived = [token, tokenHash, tokenHash.ToUpperInvariant(), "t:" + tokenHash, Sha256("t:" + tokenHash)];
            var tables = Rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Select(r => r["name"]).ToList();
            Assert.Contains("Responses", tables);
            foreach (var table in tables.Where(t => t != "DossierTokens"))
                foreach (var row in Rows($"SELECT * FROM \"{table}\""))
                    foreach (var (column, value) in row)
                        Assert.False(derived.Any(d => value.Contains(d, StringComparison.Ordinal)), $"{table}.{column} holds a value derived from the token");
            return;
        }
    }

    [Fact]
    public async Task A_tokens_page_looks_the_same_before_and_after_use_and_only_a_second_submission_is_refused()
    {
        var (token, _, _) = await IssueAsync(await AdminBearerAsync(), "VQ-YP-Q1");
        static string Normalise(string html) => Regex.Replace(html,
            "(value|content|nonce)=\"[^\"]*\"", "$1=\"…\"");   // antiforgery token, submission id, time stamp, CSP nonce

        var before = await factory.CreateBrowserClient().GetAsync($"/t/{token}");
        var citizen = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(citizen, $"/t/{token}");
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(citizen, form, ("HL", "5"))).StatusCode);
        var after = await factory.CreateBrowserClient().GetAsync($"/t/{token}");

        Assert.Equal(before.StatusCode, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(Normalise(await before.Content.ReadAsStringAsync()), Normalise(await after.Content.ReadAsStringAsync()));

        // The slip's holder learns nothing by looking; a second answer with it is refused and changes nothing.
        var other = factory.CreateBrowserClient();
        var second = await SurveyForm.OpenAsync(other, $"/t/{token}");
        Assert.Equal(HttpStatusCode.Conflict, (await SurveyForm.PostAsync(other, second, ("HL", "1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 1, token: token))).StatusCode);
        Assert.Equal(1, factory.WithDatabase(db => db.Responses.Count(r => r.Counter!.Code == "VQ-YP-Q1")));
    }

    [Theory]
    [InlineData("{\"HL\": null}")]
    [InlineData("{}")]
    [InlineData("{\"GOP_Y\": null, \"LY_DO\": null}")]
    public async Task A_response_with_no_answered_item_is_refused_with_400_and_nothing_is_stored(string answers)
    {
        var before = factory.WithDatabase(db => db.Responses.Count());
        var body = $"{{\"submissionId\": \"{Guid.NewGuid()}\", \"counter\": \"VQ-AS-Q1\", \"instrument\": \"NHANH\", \"channel\": \"qr\", \"answers\": {answers}}}";
        var response = await factory.CreateClient().PostAsync("/api/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no item is answered", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, factory.WithDatabase(db => db.Responses.Count()));

        // The form says so in Vietnamese, and stores nothing either.
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, "/s/VQ-AS-Q1");
        var posted = await SurveyForm.PostAsync(browser, form, ("HL", ""));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("Vui lòng chọn một mức đánh giá", await SurveyForm.HtmlAsync(posted), StringComparison.Ordinal);
        Assert.Equal(before, factory.WithDatabase(db => db.Responses.Count()));
    }

    [Theory]
    [InlineData("kiosk")]
    [InlineData("paper")]
    public async Task An_anonymous_caller_cannot_claim_the_kiosk_or_paper_channel(string channel)
    {
        var before = factory.WithDatabase(db => db.Responses.Count());
        var response = await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 5, counter: "VQ-AS-Q1", channel: channel));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (channel == "paper")
        {
            Assert.Contains("channel paper is only", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("channel", out _));
        }
        else
            // kiosk: only a tablet enrolled for the counter (Kiosks/KioskTabletTests enrol one).
            Assert.Equal("missing", problem.RootElement.GetProperty("kiosk").GetString());
        Assert.Equal(before, factory.WithDatabase(db => db.Responses.Count()));

        // qr and web are an anonymous caller's channels.
        foreach (var allowed in new[] { "qr", "web" })
            Assert.Equal(HttpStatusCode.Created, (await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 5, counter: "VQ-AS-Q1", channel: allowed))).StatusCode);
    }

    [Fact]
    public async Task The_kiosk_page_of_a_browser_that_is_not_an_enrolled_tablet_stores_nothing()
    {
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, "/kiosk/VQ-HB-Q1");
        var before = factory.WithDatabase(db => db.Responses.Count());
        Assert.NotEqual(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(browser, form, ("HL", "3"))).StatusCode);
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));
        Assert.Equal(before, factory.WithDatabase(db => db.Responses.Count()));
    }

    [Fact]
    public async Task A_made_up_device_cookie_counts_as_none_and_a_server_issued_one_is_recognised()
    {
        async Task<ResponseFlags> PostWithCookieAsync(string counter, string cookie)
        {
            var id = Guid.NewGuid();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/responses") { Content = JsonContent.Create(Nhanh(id, 3, counter: counter)) };
            request.Headers.Add("Cookie", $"cchc_device={cookie}");
            Assert.Equal(HttpStatusCode.Created, (await factory.CreateClient().SendAsync(request)).StatusCode);
            return (ResponseFlags)factory.WithDatabase(db => db.Responses.Single(r => r.SubmissionId == id).Flags);
        }

        // The old, unsigned format and arbitrary text: no device, so no sighting and no repeat.
        var sightings = factory.WithDatabase(db => db.DeviceSightings.Count());
        foreach (var madeUp in new[] { Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), "CfDJ8forged-cookie-value" })
        {
            Assert.False((await PostWithCookieAsync("VQ-TL-Q1", madeUp)).HasFlag(ResponseFlags.RepeatDevice));
            Assert.False((await PostWithCookieAsync("VQ-TL-Q1", madeUp)).HasFlag(ResponseFlags.RepeatDevice));
        }
        Assert.Equal(sightings, factory.WithDatabase(db => db.DeviceSightings.Count()));

        var issued = await IssuedDeviceAsync(factory);
        Assert.False((await PostWithCookieAsync("VQ-TL-Q1", issued)).HasFlag(ResponseFlags.RepeatDevice));
        Assert.True((await PostWithCookieAsync("VQ-TL-Q1", issued)).HasFlag(ResponseFlags.RepeatDevice));
        // Altering one character of an issued cookie makes it none.
        var altered = issued[..^2] + (issued[^2] == 'A' ? 'B' : 'A') + issued[^1];
        Assert.False((await PostWithCookieAsync("VQ-TL-Q1", altered)).HasFlag(ResponseFlags.RepeatDevice));
    }

    [Fact]
    public async Task Figures_leave_flagged_responses_out_unless_asked_for()
    {
        var bearer = await AdminBearerAsync();
        async Task<long> NAsync(string query)
        {
            using var json = JsonDocument.Parse(await bearer.GetStringAsync($"/api/v1/units/VQ-TT/indices?instrument=NHANH{query}"));
            return json.RootElement.GetProperty("responses").GetInt64();
        }
        var (n, withFlagged) = (await NAsync(""), await NAsync("&includeFlagged=true"));
        // All-top answers sent in half a second: flagged TooFast.
        Assert.Equal(HttpStatusCode.Created, (await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 5, counter: "VQ-TT-Q1", elapsed: 0.5))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 3, counter: "VQ-TT-Q1", elapsed: 60))).StatusCode);
        Assert.Equal(n + 1, await NAsync(""));
        Assert.Equal(withFlagged + 2, await NAsync("&includeFlagged=true"));
        Assert.Equal(n + 1, await NAsync("&includeFlagged=false"));
    }

    [Fact]
    public async Task Twenty_comments_sent_in_sequence_reach_officials_in_an_order_and_with_identifiers_that_do_not_reveal_it()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var texts = Enumerable.Range(1, 20).Select(i => $"Góp ý {run} số {i:00}").ToList();
        foreach (var text in texts) await PostNhanhAsync(factory, "VQ-KTHT-Q1", 1, text, yesterday: false);

        // Today's comments are not shown yet: an official who reloads the page learns no time of day.
        var manager = await OfficialAsync(factory, "manager", "VQ-KTHT");
        Assert.DoesNotContain(run, await manager.GetStringAsync("/dashboard/comments?unit=VQ-KTHT"), StringComparison.Ordinal);
        using (var scope = factory.Services.CreateScope())
            Assert.DoesNotContain(await scope.ServiceProvider.GetRequiredService<AlertScanner>().ScanAsync(CancellationToken.None),
                a => a.UnitId == KthtId() && a.Kind == AlertKinds.LowRating);

        // The next day (the rows moved back a day, as time would) they are all there, on the same date.
        factory.WithDatabase(db => db.Responses.Where(r => r.AnswersJson.Contains(run))
            .ExecuteUpdate(u => u.SetProperty(r => r.SubmittedHourUtc, r => r.SubmittedHourUtc.AddDays(-1))));
        var html = System.Net.WebUtility.HtmlDecode(await manager.GetStringAsync("/dashboard/comments?unit=VQ-KTHT"));
        var shown = Regex.Matches(html, "data-response=\"([^\"]+)\"(?:(?!</li>)[\\s\\S])*?Góp ý " + run + " số (\\d\\d)")
            .Select(m => (Ref: m.Groups[1].Value, Number: int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(20, shown.Count);
        var ids = factory.WithDatabase(db => db.Responses.Where(r => r.AnswersJson.Contains(run)).OrderBy(r => r.Id).Select(r => r.Id).ToList());

        // Identifiers: opaque (not the sequential id, not a number), and the page order is theirs, not the arrival order.
        Assert.All(shown, s => Assert.Matches("^[A-Za-z0-9_-]{22}$", s.Ref));
        Assert.DoesNotContain(shown, s => ids.Any(id => s.Ref.Contains(id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) && s.Ref.Length < 8));
        Assert.Equal(shown.Select(s => s.Ref).Order(StringComparer.Ordinal), shown.Select(s => s.Ref));
        var order = shown.Select(s => s.Number).ToList();
        Assert.NotEqual(Enumerable.Range(1, 20), order);
        Assert.NotEqual(Enumerable.Range(1, 20).Reverse(), order);
        // The identifiers themselves do not sort like the ids (an encryption of each id, not a counter).
        var refsInIdOrder = ids.Select(id => RefOf(factory, CchcSurvey.Web.Security.OpaqueKind.Response, id)).ToList();
        Assert.NotEqual(refsInIdOrder.Order(StringComparer.Ordinal), refsInIdOrder);
        // No time of day anywhere an official looks.
        var meta = Regex.Matches(html, "<div class=\"comment-meta\">([\\s\\S]*?)</div>").Select(m => m.Groups[1].Value).ToList();
        Assert.All(meta, m => Assert.DoesNotMatch("\\d{1,2}:\\d{2}", m));
        // No form or link carries a sequential id of a response.
        Assert.DoesNotMatch("name=\"(id|responseId)\" value=\"\\d+\"", html);
        Assert.DoesNotMatch("data-response=\"\\d+\"", html);

        // Alerts: raised for yesterday's low ratings, dated by day only, listed in an order that is not the arrival order.
        IReadOnlyList<Alert> raised;
        using (var scope = factory.Services.CreateScope())
            raised = await scope.ServiceProvider.GetRequiredService<AlertScanner>().ScanAsync(CancellationToken.None);
        Assert.Equal(20, raised.Count(a => a.UnitId == KthtId() && a.Kind == AlertKinds.LowRating));
        Assert.All(raised, a => Assert.Equal(TimeSpan.Zero, (a.CreatedUtc - factory.WithDatabase(db => db.Alerts.Single(x => x.Id == a.Id).CreatedUtc))));
        var localMidnight = DateTime.SpecifyKind(DateTime.UtcNow.AddHours(7).Date.AddHours(-7), DateTimeKind.Utc);
        Assert.All(raised, a => Assert.Equal(localMidnight, DateTime.SpecifyKind(a.CreatedUtc, DateTimeKind.Utc)));
        var alertsHtml = await manager.GetStringAsync("/dashboard/alerts");
        var alertRefs = Regex.Matches(alertsHtml, "data-alert=\"([^\"]+)\" data-kind=\"low-rating\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(20, alertRefs.Count);
        Assert.All(alertRefs, r => Assert.Matches("^[A-Za-z0-9_-]{22}$", r));
        var alertIdsInPageOrder = alertRefs.Select(r => raised.Single(a => RefOf(factory, CchcSurvey.Web.Security.OpaqueKind.Alert, a.Id) == r).Id).ToList();
        Assert.NotEqual(alertIdsInPageOrder.Order(), alertIdsInPageOrder);
        Assert.NotEqual(alertIdsInPageOrder.OrderDescending(), alertIdsInPageOrder);
        Assert.DoesNotMatch("\\d{1,2}:\\d{2}", Regex.Match(alertsHtml, "<table class=\"alerts\">[\\s\\S]*</table>").Value);
    }

    [Fact]
    public async Task Imported_answers_get_more_than_dossiers_but_no_flag_that_reads_a_visits_time_or_device()
    {
        // A counter open only on weekday mornings, and a ceiling of one dossier for March 2025.
        Assert.Equal(0, (await CliRunner.RunAsync(factory, "counters", "hours", "VQ-TC-Q1", "Mon-Fri 07:30-11:30")).ExitCode);
        var dossiers = Path.Combine(Path.GetTempPath(), $"dossiers-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(dossiers, ["unit,month,count", "VQ-TC,2025-03,1"]);
        var paper = Path.Combine(Path.GetTempPath(), $"paper-{Guid.NewGuid():N}.csv");
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        // Sunday 03:00 (closed) and all-top answers: a visit would be OutsideHours; an import is entered, not visited.
        await File.WriteAllLinesAsync(paper, ["submission_id,unit,counter,instrument,channel,hour,HL,LY_DO,GOP_Y",
            $"{ids[0]},VQ-TC,VQ-TC-Q1,NHANH,paper,2025-03-02T03:00,5,,", $"{ids[1]},VQ-TC,VQ-TC-Q1,NHANH,paper,2025-03-02T03:00,5,,"]);
        try
        {
            Assert.Equal(0, (await CliRunner.RunAsync(factory, "dossiers", "import", dossiers)).ExitCode);
            var run = await CliRunner.RunAsync(factory, "import", "paper", paper);
            Assert.True(run.ExitCode == 0, run.Error);
        }
        finally
        {
            File.Delete(dossiers);
            File.Delete(paper);
        }
        var flags = ids.Select(id => (ResponseFlags)factory.WithDatabase(db => db.Responses.Single(r => r.SubmissionId == id).Flags)).ToList();
        Assert.Equal(ResponseFlags.None, flags[0]);
        Assert.Equal(ResponseFlags.MoreThanDossiers, flags[1]);
    }

    private int KthtId() => factory.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-KTHT").Id);
}

/// <summary>The app with small submission limits, for the per-counter and per-device buckets.</summary>
public sealed class LowLimitAppFactory : SurveyAppFactory
{
    public LowLimitAppFactory()
    {
        ExtraSettings["RateLimiting:Enabled"] = "true";
        ExtraSettings["RateLimiting:PerCounterPerMinute"] = "3";
        ExtraSettings["RateLimiting:PerDevicePerMinute"] = "50";
    }
}

/// <summary>RateLimiting: every submission takes from its counter's bucket; cookie-less API clients share no global bucket.</summary>
public sealed class CounterLimitTests(LowLimitAppFactory factory) : IClassFixture<LowLimitAppFactory>
{
    [Fact]
    public async Task The_per_counter_limit_applies_to_every_submission_and_cookie_less_clients_of_another_counter_are_not_affected()
    {
        var api = factory.CreateClient();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await PostResponseAsync(api, Nhanh(Guid.NewGuid(), 4, counter: "VQ-AS-Q1"))).StatusCode);
        var refused = await PostResponseAsync(api, Nhanh(Guid.NewGuid(), 4, counter: "VQ-AS-Q1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // The form at that counter (with its own device cookie) is limited too: the counter's budget is spent.
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, "/s/VQ-AS-Q1");
        var page = await SurveyForm.PostAsync(browser, form, ("HL", "5"));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("Vui lòng thử lại", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(SurveyForm.Responses(factory, form.SubmissionId));

        // Another counter's cookie-less clients have their own bucket: one attacker cannot drain everyone's.
        Assert.Equal(HttpStatusCode.Created, (await PostResponseAsync(factory.CreateClient(), Nhanh(Guid.NewGuid(), 4, counter: "VQ-BP-Q1"))).StatusCode);
        Assert.Equal(3, factory.WithDatabase(db => db.Responses.Count(r => r.Counter!.Code == "VQ-AS-Q1")));
    }
}
