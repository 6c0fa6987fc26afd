using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Tests.Indices;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>
/// Figures come from the statistics cells. They must equal what the raw responses say for any period
/// and channel, stay equal after a rebuild from the raw responses, and never leak between units.
/// </summary>
public sealed class StatisticsCellsTests : IClassFixture<SurveyAppFactory>
{
    private readonly SurveyAppFactory _factory;

    public StatisticsCellsTests(SurveyAppFactory factory)
    {
        factory.ExtraSettings["Demo:Enabled"] = "false";
        _factory = factory;
    }

    private static readonly SemaphoreSlim Loading = new(1, 1);
    private HttpClient? _client;

    private async Task<HttpClient> ClientAsync()
    {
        await Loading.WaitAsync();
        try
        {
            return _client ??= await CliRunner.ReferenceClientAsync(_factory, "admin2@cells.vn", "admin", null);
        }
        finally
        {
            Loading.Release();
        }
    }

    /// <summary>NHANH responses per unit subtree in a period, counted straight from the reference file.</summary>
    private static int RawCount(string[] units, DateOnly? from, DateOnly? to, string? channel)
    {
        var lines = File.ReadAllLines(CliRunner.ReferenceFile("responses.csv"));
        var header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        return lines.Skip(1).Select(l => l.Split(',')).Count(cells =>
        {
            var day = DateOnly.FromDateTime(DateTime.ParseExact(cells[Col("hour")], "yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
            return units.Contains(cells[Col("unit")]) && cells[Col("instrument")] == "NHANH"
                && (from is null || day >= from) && (to is null || day <= to) && (channel is null || cells[Col("channel")] == channel);
        });
    }

    [Fact]
    public async Task Response_counts_of_any_period_and_channel_equal_the_raw_responses()
    {
        var client = await ClientAsync();
        var random = new Random(11);
        string[] vq = ["VQ-VP", "VQ-TT", "VQ-X01", "VQ-X02", "VQ-X03"];
        for (var i = 0; i < 25; i++)
        {
            DateOnly? from = random.Next(4) == 0 ? null : new DateOnly(2026, 6, 20).AddDays(random.Next(0, 100));
            DateOnly? to = random.Next(4) == 0 ? null : (from ?? new DateOnly(2026, 6, 20)).AddDays(random.Next(0, 60));
            var channel = random.Next(3) switch { 0 => "qr", 1 => "kiosk", _ => null };
            var query = $"instrument=NHANH{(from is null ? "" : $"&from={from:yyyy-MM-dd}")}{(to is null ? "" : $"&to={to:yyyy-MM-dd}")}{(channel is null ? "" : $"&channel={channel}")}";
            var vqFigures = await client.GetFromJsonAsync<JsonNode>($"/api/v1/units/VQ/indices?{query}");
            Assert.Equal(RawCount(vq, from, to, channel), vqFigures!["responses"]!.GetValue<int>());
            var x01 = await client.GetFromJsonAsync<JsonNode>($"/api/v1/units/VQ-X01/indices?{query}");
            Assert.Equal(RawCount(["VQ-X01"], from, to, channel), x01!["responses"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_rebuild_from_raw_responses_gives_the_same_cells_and_figures()
    {
        var client = await ClientAsync();
        // Add responses through the API as well, so the rebuild also covers the group-commit path.
        for (var i = 0; i < 30; i++)
        {
            var answers = new Dictionary<string, object> { ["HL"] = 1 + i % 5 };
            var posted = await client.PostAsJsonAsync("/api/v1/responses", new { submissionId = Guid.NewGuid(), counter = "VQ-X02-Q1", instrument = "NHANH", channel = "qr", answers });
            Assert.Equal(System.Net.HttpStatusCode.Created, posted.StatusCode);
        }
        var before = await client.GetStringAsync("/api/v1/units/LS/indices");
        var ranking = await client.GetStringAsync("/api/v1/units/VQ/ranking?instrument=NHANH");
        var cellsBefore = Snapshot();

        var rebuilt = await CliRunner.RunAsync(_factory, "stats", "rebuild");
        Assert.Equal(0, rebuilt.ExitCode);
        Assert.Contains("687", rebuilt.Output, StringComparison.Ordinal); // 657 reference + 30 posted

        // Counts exactly; sums of fractions (r_i, dimension values) are added in another order, so to 1e-12.
        var cellsAfter = Snapshot();
        Assert.Equal(cellsBefore.Keys.Order(), cellsAfter.Keys.Order());
        foreach (var (key, data) in cellsBefore)
            Assert.Empty(JsonComparer.Differences(JsonNode.Parse(data), JsonNode.Parse(cellsAfter[key]), _ => 1e-12, key));
        Assert.Empty(JsonComparer.Differences(JsonNode.Parse(before), JsonNode.Parse(await client.GetStringAsync("/api/v1/units/LS/indices")), _ => 1e-9));
        Assert.Equal(ranking, await client.GetStringAsync("/api/v1/units/VQ/ranking?instrument=NHANH"));
    }

    /// <summary>Every cell: its key and integer counts → its statistics JSON.</summary>
    private Dictionary<string, string> Snapshot() => _factory.WithDatabase(db => db.StatisticsCells.AsNoTracking().ToList()
        .ToDictionary(c => $"{c.UnitId}|{c.InstrumentVersionId}|{c.Period}|{c.PeriodStart:yyyy-MM-dd}|{c.Channel}|{c.Flagged}|{c.Responses}|{c.OverallN}|{c.OverallSatisfied}", c => c.Data));
}
