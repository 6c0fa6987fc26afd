using System.Net;
using System.Text.Json.Nodes;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>
/// Figures kept between requests (Indices/FigureCache.cs) are given back only while their cells are unchanged: a
/// second identical request uses them; new responses, a cell rewritten in place with the same counts, and
/// <c>Figures:CacheEntries = 0</c> all give the figures the cells hold now. On both providers.
/// </summary>
public abstract class FigureCacheTests<TFactory> : IDisposable where TFactory : SurveyAppFactory, new()
{
    private readonly List<TFactory> _factories = [];

    protected abstract bool Available { get; }

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
        GC.SuppressFinalize(this);
    }

    private TFactory NewApp(string? entries = null)
    {
        var factory = new TFactory();
        if (entries is not null) factory.ExtraSettings[FigureCache.EntriesSetting] = entries;
        _factories.Add(factory);
        return factory;
    }

    private static async Task<Dictionary<string, (long C, long N)>> RankingAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/units/VQ/ranking?instrument=NHANH&period=2024");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["units"]!.AsArray()
            .ToDictionary(u => u!["unit"]!.GetValue<string>(), u => (u!["c"]!.GetValue<long>(), u["n"]!.GetValue<long>()));
    }

    [SkippableFact]
    public async Task Kept_figures_are_used_while_their_cells_are_unchanged_and_never_after()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp();
        await AsThenData.ImportAsync(app, [.. AsThenData.Ratings("VQ-KK", "VQ-KK-Q1", "2024-03", 20, 15), .. AsThenData.Ratings("VQ-DG", "VQ-DG-Q1", "2024-03", 14, 9)]);
        var client = await CliRunner.ReferenceClientAsync(app, "so@langson.vn", "admin", null);
        var cache = app.Services.GetRequiredService<FigureCache>();
        Assert.True(cache.Enabled);

        var first = await RankingAsync(client);
        Assert.Equal((15L, 20L), first["VQ-KK"]);
        var hits = cache.Hits;
        Assert.Equal(first, await RankingAsync(client));
        Assert.True(cache.Hits > hits, "the second identical request computed everything again");

        // New responses in the same month: the same cells, written again.
        await AsThenData.ImportAsync(app, AsThenData.Ratings("VQ-KK", "VQ-KK-Q1", "2024-03", 5, 5));
        var second = await RankingAsync(client);
        Assert.Equal((20L, 25L), second["VQ-KK"]);
        Assert.Equal(first["VQ-DG"], second["VQ-DG"]);

        // A cell rewritten in place with the same number of responses (as a reorganisation or a rebuild may): its new
        // revision stamp is enough. Here VQ-KK's cells say 25 satisfied of 25.
        var kk = app.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-KK").Id);
        var rewritten = app.WithDatabase(db => db.StatisticsCells.Where(c => c.UnitId == kk).Select(c => new { c.Id, c.Data }).ToList());
        Assert.NotEmpty(rewritten);
        foreach (var cell in rewritten)
        {
            var node = JsonNode.Parse(cell.Data)!;
            var counts = node["levelCounts"]!["HL"]!.AsArray();
            var total = counts.Sum(x => x!.GetValue<long>());
            for (var k = 0; k < counts.Count; k++) counts[k] = k == counts.Count - 1 ? total : 0;
            var data = node.ToJsonString();
            app.WithDatabase(db => db.StatisticsCells.Where(c => c.Id == cell.Id)
                .ExecuteUpdate(u => u.SetProperty(c => c.Data, data).SetProperty(c => c.Revision, c => c.Revision + 1)));
        }
        Assert.Equal((25L, 25L), (await RankingAsync(client))["VQ-KK"]);
    }

    [SkippableFact]
    public async Task With_no_entries_every_figure_is_computed_from_the_cells()
    {
        Skip.IfNot(Available, "no server for this provider");
        var app = NewApp(entries: "0");
        await AsThenData.ImportAsync(app, AsThenData.Ratings("VQ-KK", "VQ-KK-Q1", "2024-03", 20, 15));
        var client = await CliRunner.ReferenceClientAsync(app, "so@langson.vn", "admin", null);
        var cache = app.Services.GetRequiredService<FigureCache>();
        Assert.False(cache.Enabled);
        Assert.Equal((15L, 20L), (await RankingAsync(client))["VQ-KK"]);
        Assert.Equal((15L, 20L), (await RankingAsync(client))["VQ-KK"]);
        Assert.Equal(0, cache.Hits);
    }
}

/// <summary>
/// A fresh app instance reads cells of an instrument version it never parsed (the current one is newer): the
/// definitions are read before the cells are streamed, since PostgreSQL runs one command per connection at a time
/// (the page benchmark on a dataset built before a new version found this).
/// </summary>
public sealed class PostgresCellsOfOlderVersionsTests : IDisposable
{
    private readonly List<PostgresAppFactory> _factories = [];

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task A_new_app_instance_pools_cells_of_a_version_that_is_no_longer_current()
    {
        Skip.If(PostgresAppFactory.ServerConnectionString is null, "no PostgreSQL server");
        var first = new PostgresAppFactory();
        _factories.Add(first);
        await AsThenData.ImportAsync(first, AsThenData.Ratings("VQ-KK", "VQ-KK-Q1", "2024-03", 20, 15));
        // A second version of NHANH becomes current; the cells stay with the first.
        first.WithDatabase(db =>
        {
            var old = db.InstrumentVersions.Single(v => v.Code == "NHANH" && v.IsCurrent);
            old.IsCurrent = false;
            db.InstrumentVersions.Add(new CchcSurvey.Web.Data.InstrumentVersion
            {
                Code = "NHANH", Version = old.Version + 1, Title = old.Title, IsCurrent = true, PublishedUtc = DateTime.UtcNow,
                DefinitionJson = old.DefinitionJson.Replace($"\"version\": {old.Version},", $"\"version\": {old.Version + 1},"),
            });
            return db.SaveChanges();
        });
        var connection = first.WithDatabase(db => db.Database.GetConnectionString());

        // Another instance on the same database, its registry empty: what a restart or a second server is.
        var second = new PostgresAppFactory();
        second.ExtraSettings["ConnectionStrings:Survey"] = connection;
        _factories.Add(second);
        var client = await CliRunner.ReferenceClientAsync(second, "so@langson.vn", "admin", null);
        var response = await client.GetAsync("/api/v1/units/VQ/ranking?instrument=NHANH&period=2024");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var kk = JsonNode.Parse(body)!["units"]!.AsArray().Single(u => u!["unit"]!.GetValue<string>() == "VQ-KK")!;
        Assert.Equal((15L, 20L), (kk["c"]!.GetValue<long>(), kk["n"]!.GetValue<long>()));
    }
}

public sealed class SqliteFigureCacheTests : FigureCacheTests<SurveyAppFactory>
{
    protected override bool Available => true;
}

public sealed class PostgresFigureCacheTests : FigureCacheTests<PostgresAppFactory>
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}
