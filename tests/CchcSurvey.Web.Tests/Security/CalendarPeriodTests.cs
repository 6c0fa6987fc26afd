using System.Globalization;
using System.Net;
using System.Text.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Security;

/// <summary>
/// METHODOLOGY §6, No differencing, over HTTP: the figures API, exports and dashboard take a calendar month, quarter
/// or year (or all time) and refuse arbitrary days with a message saying what is allowed; and a month hidden by
/// MinN cannot be worked out from the year and the other months an official can ask for.
/// </summary>
public sealed class CalendarPeriodTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private async Task<HttpClient> AdminBearerAsync() => Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));

    [Theory]
    [InlineData("/api/v1/units/VQ/indices?instrument=NHANH&from=2026-03-05&to=2026-03-05")]
    [InlineData("/api/v1/units/VQ/indices?from=2026-01-01&to=2026-02-28")]
    [InlineData("/api/v1/units/VQ/indices?from=2026-01-01")]
    [InlineData("/api/v1/units/VQ/indices?period=2026-W10")]
    [InlineData("/api/v1/units/VQ/indices?period=2026-03&from=2026-03-01&to=2026-03-31")]
    [InlineData("/api/v1/units/VQ/ranking?from=2026-03-02&to=2026-03-31")]
    [InlineData("/api/v1/export/indices.csv?unit=VQ&from=2026-03-01&to=2026-03-15")]
    public async Task Arbitrary_days_answer_400_saying_what_is_allowed(string url)
    {
        var response = await (await AdminBearerAsync()).GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("calendar month", detail, StringComparison.Ordinal);
        Assert.Contains("period=2026-Q1", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("period=2026-03")]
    [InlineData("period=2026-Q1")]
    [InlineData("period=2026")]
    [InlineData("from=2026-01-01&to=2026-03-31")]
    [InlineData("from=2026-02-01&to=2026-02-28")]
    [InlineData("from=2026-01-01&to=2026-12-31")]
    [InlineData("")]
    public async Task A_month_a_quarter_a_year_or_all_time_is_answered(string query)
    {
        var bearer = await AdminBearerAsync();
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/api/v1/units/VQ/indices?instrument=NHANH&{query}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/api/v1/units/VQ/ranking?instrument=NHANH&{query}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync($"/api/v1/export/indices.json?unit=VQ&instrument=NHANH&{query}")).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_refuses_arbitrary_days_and_shows_a_calendar_period()
    {
        var admin = factory.CreateBrowserClient();
        await Http.SignInAsync(admin, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        var refused = await admin.GetAsync("/dashboard?unit=VQ&from=2026-03-05&to=2026-03-19");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Chỉ xem được theo tháng, quý hoặc năm", System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard?unit=VQ&from=2026-01-01&to=2026-03-31")).StatusCode);
        // Without dates: the current (local) year, whole.
        var page = System.Net.WebUtility.HtmlDecode(await admin.GetStringAsync("/dashboard?unit=VQ"));
        var year = DateTime.UtcNow.AddHours(7).Year;
        Assert.Contains($"name=\"from\" value=\"{year}-01-01\"", page, StringComparison.Ordinal);
        Assert.Contains($"name=\"to\" value=\"{year}-12-31\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quiet_month_cannot_be_recovered_from_its_year_and_the_other_months()
    {
        // Paper questionnaires of one commune in 2025: March has 3 answers (hidden by MinN), the other months many.
        var lines = new List<string> { "submission_id,unit,counter,instrument,channel,hour,HL,LY_DO,GOP_Y" };
        var random = new Random(5);
        foreach (var (month, n) in new[] { (1, 30), (2, 25), (3, 3), (4, 40), (5, 12), (7, 18) })
            for (var i = 0; i < n; i++)
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{Guid.NewGuid()},VQ-DG,VQ-DG-Q1,NHANH,paper,2025-{month:00}-10T09:00,{random.Next(1, 6)},,"));
        var file = Path.Combine(Path.GetTempPath(), $"cchc-quiet-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(file, lines);
        try
        {
            var imported = await CliRunner.RunAsync(factory, "import", "paper", file);
            Assert.True(imported.ExitCode == 0, imported.Error + imported.Output);
        }
        finally
        {
            File.Delete(file);
        }

        var bearer = await AdminBearerAsync();
        async Task<(long N, long[]? Counts)> HlAsync(string period)
        {
            using var json = JsonDocument.Parse(await bearer.GetStringAsync($"/api/v1/units/VQ-DG/indices?instrument=NHANH&period={period}"));
            var hl = json.RootElement.GetProperty("HL");
            var counts = hl.GetProperty("counts");
            return (hl.GetProperty("n").GetInt64(), counts.ValueKind == JsonValueKind.Null ? null : counts.EnumerateArray().Select(c => c.GetInt64()).ToArray());
        }
        string[] periods = ["2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", .. Enumerable.Range(1, 12).Select(m => $"2025-{m:00}"), ""];
        var shown = new Dictionary<string, (long N, long[]? Counts)>();
        foreach (var p in periods) shown[p] = await HlAsync(p);

        Assert.Equal(3, shown["2025-03"].N);
        Assert.Null(shown["2025-03"].Counts);          // hidden by MinN
        Assert.NotNull(shown["2025"].Counts);          // the year is still published
        Assert.NotNull(shown["2025-Q1"].Counts);       // and so is the quarter

        // The attacks: a parent minus its shown children, and every pair of periods (parent minus a shown part).
        static long[] Minus(long[] a, long[] b) => a.Zip(b, (x, y) => x - y).ToArray();
        var tree = new Dictionary<string, string[]>
        {
            ["2025-Q1"] = ["2025-01", "2025-02", "2025-03"],
            ["2025-Q2"] = ["2025-04", "2025-05", "2025-06"],
            ["2025-Q3"] = ["2025-07", "2025-08", "2025-09"],
            ["2025"] = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
            [""] = ["2025"],
        };
        var months = Enumerable.Range(1, 12).Select(m => $"2025-{m:00}").ToArray();
        var recoverable = new List<string>();
        foreach (var (parent, children) in tree.Append(new("2025", months)))
        {
            if (shown[parent].Counts is not { } total) continue;
            var hiddenChildren = children.Where(c => shown[c].N > 0 && shown[c].Counts is null).ToList();
            if (hiddenChildren.Count != 1) continue;
            var rest = children.Where(c => shown[c].Counts is not null).Aggregate(total, (acc, c) => Minus(acc, shown[c].Counts!));
            recoverable.Add($"{hiddenChildren[0]} = {parent} − the others: {string.Join(",", rest)}");
        }
        foreach (var a in periods)
            foreach (var b in periods.Where(b => b != a && shown[a].Counts is not null && shown[b].Counts is not null))
            {
                var difference = Minus(shown[a].Counts!, shown[b].Counts!);
                var n = shown[a].N - shown[b].N;
                // A pair whose difference is exactly one hidden period's n would give that period's answers.
                foreach (var hidden in periods.Where(h => shown[h].Counts is null && shown[h].N > 0 && shown[h].N == n && difference.All(d => d >= 0)))
                    if (IsExactlyTheDifference(a, b, hidden)) recoverable.Add($"{hidden} = {a} − {b}");
            }
        Assert.Empty(recoverable);

        // The indices export hides what the API hides, period by period.
        foreach (var p in periods.Where(p => p.Length > 0 && shown[p].N > 0))
        {
            using var export = JsonDocument.Parse(await bearer.GetStringAsync($"/api/v1/export/indices.json?unit=VQ-DG&instrument=NHANH&period={p}"));
            var share = export.RootElement.EnumerateArray().Single(r => r.GetProperty("unit").GetString() == "VQ-DG"
                && r.GetProperty("figure").GetString() == "share" && r.GetProperty("key").GetString() == "HL");
            Assert.True((shown[p].Counts is null && shown[p].N > 0) == (share.GetProperty("suppressed").GetInt32() == 1), $"period {p}: the export and the API disagree");
        }
    }

    /// <summary>Whether period b lies inside a and a without b covers exactly the months with responses of hidden.</summary>
    private static bool IsExactlyTheDifference(string a, string b, string hidden)
    {
        static IEnumerable<int> MonthsOf(string p) => p switch
        {
            "" or "2025" => Enumerable.Range(1, 12),
            _ when p.Contains('Q') => Enumerable.Range((p[^1] - '1') * 3 + 1, 3),
            _ => [int.Parse(p[5..], CultureInfo.InvariantCulture)],
        };
        int[] withData = [1, 2, 3, 4, 5, 7];
        var inA = MonthsOf(a).Intersect(withData).ToHashSet();
        var inB = MonthsOf(b).Intersect(withData).ToHashSet();
        return inB.IsSubsetOf(inA) && inA.Except(inB).ToHashSet().SetEquals(MonthsOf(hidden).Intersect(withData));
    }
}
