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
        var differences = JsonComparer.Differences(Expected["units"]![unit]![instrument], actual, ToleranceFor);
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(30)));
    }

    [SkippableTheory]
    [InlineData("LS")]
    [InlineData("VQ")]
    public async Task Rankings_match_the_reference(string parent)
    {
        Skip.IfNot(Available, "no server for this provider");
        var client = await ClientAsync();
        var actual = JsonNode.Parse(await client.GetStringAsync($"/api/v1/units/{parent}/ranking?instrument=SIPAS-DV&item=HL_CHUNG"));
        var differences = JsonComparer.Differences(Expected["rankings"]![parent], actual, ToleranceFor);
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(30)));
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
