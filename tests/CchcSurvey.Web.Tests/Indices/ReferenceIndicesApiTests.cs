using System.Net;
using System.Text.Json.Nodes;
using CchcSurvey.Core.Tests.Indices;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>
/// The reference data set goes in through the real import path (units import, import paper) and every
/// figure of expected.json comes back out of the JSON API — on SQLite and on PostgreSQL.
/// </summary>
public abstract class ReferenceIndicesApiTests<TFactory> : IClassFixture<TFactory> where TFactory : SurveyAppFactory
{
    private readonly TFactory _factory;
    private static readonly JsonNode Expected = JsonNode.Parse(File.ReadAllText(CliRunner.ReferenceFile("expected.json")))!;

    /// <summary>Every number to 1e-9 absolute, counts and flags exactly, as in the Core reference test.</summary>
    private static double ToleranceFor(string path) => 1e-9;

    protected ReferenceIndicesApiTests(TFactory factory)
    {
        factory.ExtraSettings["Demo:Enabled"] = "false";
        _factory = factory;
    }

    protected abstract bool Available { get; }

    private static readonly SemaphoreSlim Loading = new(1, 1);
    private HttpClient? _client;

    private async Task<HttpClient> ClientAsync()
    {
        await Loading.WaitAsync();
        try
        {
            return _client ??= await CliRunner.ReferenceClientAsync(_factory, "so.noivu@langson.vn", "viewer", "LS");
        }
        finally
        {
            Loading.Release();
        }
    }

    public static TheoryData<string, string> UnitInstruments()
    {
        var data = new TheoryData<string, string>();
        foreach (var (unit, instruments) in Expected["units"]!.AsObject())
            foreach (var (instrument, _) in instruments!.AsObject())
                data.Add(unit, instrument);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(UnitInstruments))]
    public async Task Indices_match_the_reference(string unit, string instrument)
    {
        Skip.IfNot(Available, "no server for this provider");
        var client = await ClientAsync();
        var response = await client.GetAsync($"/api/v1/units/{unit}/indices?instrument={instrument}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var actual = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var differences = JsonComparer.Differences(Expected["units"]![unit]![instrument], actual, ToleranceFor)
            .Where(d => !HiddenAcrossUnits(unit, instrument, d, actual)).ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(30)));
    }

    private static readonly Dictionary<string, string?> Parents = File.ReadAllLines(CliRunner.ReferenceFile("units.csv")).Skip(1)
        .Select(l => l.Split(',')).ToDictionary(f => f[0], f => f[1].Length > 0 ? f[1] : null);

    /// <summary>
    /// Complementary suppression across units (METHODOLOGY §6, No differencing): the API hides a figure the reference
    /// shows when a sibling's same figure is hidden below MinN (with n &gt; 0) and this unit was hidden with it, or when
    /// one of its own children's is. Such a difference is allowed — only where the API hides the figure and such a
    /// sibling or child exists; every figure the API shows must still equal the reference to 1e-9.
    /// </summary>
    private static bool HiddenAcrossUnits(string unit, string instrument, string difference, JsonNode? actual)
    {
        var path = difference[..difference.IndexOf(':')].Split('.').Skip(1).ToList();
        // The figure: the nearest object of the path that has "suppressed", else the top-level property (count maps).
        JsonNode? At(JsonNode? root, IReadOnlyList<string> segments) => segments.Aggregate(root, (node, key) => node is JsonObject o ? o[key] : null);
        var figure = Enumerable.Range(1, path.Count).Reverse().Select(k => path.Take(k).ToList())
            .FirstOrDefault(p => At(actual, p) is JsonObject o && o.ContainsKey("suppressed")) ?? path.Take(1).ToList();
        var shown = At(actual, figure);
        if (shown is JsonObject hidden ? hidden["suppressed"]?.GetValue<bool>() != true : shown is not null) return false;
        bool HiddenBelowMinN(string other)
        {
            var node = At(Expected["units"]![other]?[instrument], figure);
            return node is JsonObject o
                ? o["suppressed"]?.GetValue<bool>() == true && (o["n"]?.GetValue<long>() ?? 0) > 0
                : node is null && Expected["units"]![other]?[instrument]?["responses"]?.GetValue<long>() > 0;
        }
        var family = Parents.Where(p => p.Key != unit && (p.Value == Parents[unit] && Parents[unit] is not null || p.Value == unit)).Select(p => p.Key);
        return family.Any(HiddenBelowMinN);
    }

    [SkippableTheory]
    [InlineData("LS")]
    [InlineData("VQ")]
    public async Task Rankings_match_the_reference(string parent)
    {
        Skip.IfNot(Available, "no server for this provider");
        var client = await ClientAsync();
        var actual = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/{parent}/ranking?instrument=SIPAS-DV&item=HL_CHUNG"))!;
        // Complementary suppression across units (METHODOLOGY §6): when exactly one child is below MinN, the smallest
        // ranked sibling is listed as insufficient too; the ranking of the others is §4.11 on them, to 1e-9.
        var reference = Expected["rankings"]![parent]!;
        var below = reference["insufficient"]!.AsArray().Where(u => u!["n"]!.GetValue<long>() > 0).Select(u => u!["unit"]!.GetValue<string>()).ToList();
        var rankedByN = reference["units"]!.AsArray().OrderBy(u => u!["n"]!.GetValue<long>()).Select(u => u!["unit"]!.GetValue<string>()).ToList();
        var hidden = below.Count == 1 && rankedByN.Count > 0 ? new HashSet<string> { rankedByN[0] } : [];
        var inputs = reference["units"]!.AsArray().Select(u => new CchcSurvey.Core.Indices.RankingInput(u!["unit"]!.GetValue<string>(), u["c"]!.GetValue<long>(), u["n"]!.GetValue<long>()))
            .Concat(reference["insufficient"]!.AsArray().Select(u => new CchcSurvey.Core.Indices.RankingInput(u!["unit"]!.GetValue<string>(), 0, u["n"]!.GetValue<long>())))
            .OrderBy(u => u.Unit, StringComparer.Ordinal).ToList();
        var expected = CchcSurvey.Core.Indices.Ranking.EmpiricalBayes(reference["item"]!.GetValue<string>(), inputs,
            new CchcSurvey.Core.Indices.IndexOptions { MinN = Expected["minN"]!.GetValue<int>() }, hidden);
        var differences = JsonComparer.Differences(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(expected)), actual, ToleranceFor);
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(30)));
        Assert.Equal(parent == "VQ" ? ["VQ-X02", "VQ-X03"] : [], actual["insufficient"]!.AsArray().Select(u => u!["unit"]!.GetValue<string>()).Order());
    }

    [SkippableFact]
    public async Task Filters_are_validated_and_a_period_without_responses_is_insufficient()
    {
        Skip.IfNot(Available, "no server for this provider");
        var client = await ClientAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/units/LS/indices?from=2026-13-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/units/LS/indices?from=2026-05-01&to=2026-04-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/units/LS/indices?instrument=NOPE")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/units/LS/ranking?item=GOP_Y")).StatusCode);
        var empty = JsonNode.Parse(await client.GetStringAsync("/api/v1/units/LS/indices?instrument=NHANH&from=2020-01-01&to=2020-12-31"))!;
        Assert.Equal(0, empty["responses"]!.GetValue<long>());
        Assert.True(empty["HL"]!["suppressed"]!.GetValue<bool>());
        Assert.Null(empty["HL"]!["p"]);
        var all = JsonNode.Parse(await client.GetStringAsync("/api/v1/units/VQ-X01/indices"))!.AsObject();
        Assert.Equal(["NHANH", "PAPI-M", "SIPAS-CS", "SIPAS-DV", "TT01"], all.Select(p => p.Key).Order());
    }
}

public sealed class SqliteReferenceIndicesApiTests(SurveyAppFactory factory) : ReferenceIndicesApiTests<SurveyAppFactory>(factory)
{
    protected override bool Available => true;
}

public sealed class PostgresReferenceIndicesApiTests(PostgresAppFactory factory) : ReferenceIndicesApiTests<PostgresAppFactory>(factory)
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}
