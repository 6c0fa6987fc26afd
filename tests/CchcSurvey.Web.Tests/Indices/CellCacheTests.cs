using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>
/// The response writer keeps the cells it wrote in memory and updates them without reading them again. When a cell
/// changes behind its back — paper import through the ledger, a rebuild that replaces every cell (and on SQLite may
/// give a new cell the row id of a deleted one) — the next batch must notice and start again from the database, so
/// that the cells keep counting every stored response exactly once.
/// </summary>
public sealed class CellCacheTests : IClassFixture<SurveyAppFactory>
{
    private readonly SurveyAppFactory _factory;

    public CellCacheTests(SurveyAppFactory factory)
    {
        factory.ExtraSettings["Demo:Enabled"] = "false";
        _factory = factory;
    }

    [Fact]
    public async Task Cells_stay_exact_when_they_change_behind_the_writers_cache()
    {
        var client = await CliRunner.ReferenceClientAsync(_factory, "admin@cache.vn", "admin", null);
        await PostAsync(client, 10);

        // Paper responses of the same unit, hour and channel go through the ledger's own path (EF, revision + 1).
        var clock = _factory.Services.GetRequiredService<LocalClock>();
        var hour = clock.ToLocal(clock.CurrentHourUtc()).ToString(Core.Paper.PaperResponseCsv.HourFormat, CultureInfo.InvariantCulture);
        var csv = Path.Combine(Path.GetTempPath(), $"cchc-paper-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, ["submission_id,unit,counter,instrument,channel,hour,HL",
            .. Enumerable.Range(0, 3).Select(i => $"{Guid.NewGuid()},VQ-X02,VQ-X02-Q1,NHANH,kiosk,{hour},{i + 3}")]);
        try
        {
            var imported = await CliRunner.RunAsync(_factory, "import", "paper", csv);
            Assert.True(imported.ExitCode == 0, imported.Output + imported.Error);
        }
        finally
        {
            File.Delete(csv);
        }
        await PostAsync(client, 10);
        AssertCellsCountTheResponses();

        // A rebuild deletes and re-inserts every cell.
        Assert.Equal(0, (await CliRunner.RunAsync(_factory, "stats", "rebuild")).ExitCode);
        await PostAsync(client, 10);
        AssertCellsCountTheResponses();

        // And what the writer left is what a rebuild computes.
        var before = Counts();
        Assert.Equal(0, (await CliRunner.RunAsync(_factory, "stats", "rebuild")).ExitCode);
        Assert.Equal(before, Counts());
    }

    [Fact]
    public void The_cache_is_emptied_before_a_batch_that_would_take_it_past_its_capacity_never_during_one()
    {
        var cache = new Web.Indices.CellCache();
        var definition = Core.Instruments.InstrumentCatalog.LoadBuiltIn().Single(d => d.Code == "NHANH");
        Web.Indices.CellKey Key(int i) => new(i, 1, CellPeriod.Day, new DateOnly(2026, 1, 1), "qr", false);
        for (var i = 0; i < Web.Indices.CellCache.Capacity - 2; i++)
            cache.Add(Key(i), new Web.Indices.CachedCell(i, 1, 0, Core.Indices.InstrumentStatistics.For(definition)));

        cache.MakeRoomFor(2);
        Assert.Equal(Web.Indices.CellCache.Capacity - 2, cache.Count);
        Assert.True(cache.Contains(Key(0)));

        cache.MakeRoomFor(3);
        Assert.Equal(0, cache.Count);
        Assert.False(cache.Contains(Key(0)));
    }

    private static async Task PostAsync(HttpClient client, int count)
    {
        // Concurrent, so that they share batches.
        var posts = Enumerable.Range(0, count).Select(i => client.PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = Guid.NewGuid(), counter = "VQ-X02-Q1", instrument = "NHANH", channel = "qr",
            answers = new Dictionary<string, object> { ["HL"] = 1 + i % 5 },
        }));
        Assert.All(await Task.WhenAll(posts), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
    }

    /// <summary>For each of the unit's ancestry (itself, VQ, LS): its day cells count exactly its subtree's responses.</summary>
    private void AssertCellsCountTheResponses() => _factory.WithDatabase(db =>
    {
        foreach (var code in new[] { "VQ-X02", "VQ", "LS" })
        {
            var unit = db.Units.AsNoTracking().Single(u => u.Code == code);
            var inSubtree = db.Units.Where(u => u.Path.StartsWith(unit.Path)).Select(u => u.Id).ToList();
            var stored = db.Responses.Count(r => inSubtree.Contains(r.UnitId));
            Assert.Equal(stored, db.StatisticsCells.Where(c => c.UnitId == unit.Id && c.Period == CellPeriod.Day).Sum(c => c.Responses));
            Assert.Equal(stored, db.StatisticsCells.Where(c => c.UnitId == unit.Id && c.Period == CellPeriod.Month).Sum(c => c.Responses));
        }
        return 0;
    });

    private Dictionary<string, (long Responses, long N, long Satisfied)> Counts() => _factory.WithDatabase(db => db.StatisticsCells.AsNoTracking().ToList()
        .ToDictionary(c => $"{c.UnitId}|{c.InstrumentVersionId}|{c.Period}|{c.PeriodStart:yyyy-MM-dd}|{c.Channel}|{c.Flagged}", c => (c.Responses, c.OverallN, c.OverallSatisfied)));
}
