using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Api;

/// <summary>The public read endpoints of CONTRACT.md and the health check.</summary>
public sealed class PublicApiTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Counters_lists_every_demo_counter_with_its_unit()
    {
        var counters = await _client.GetFromJsonAsync<JsonElement[]>("/api/v1/counters");
        Assert.NotNull(counters);
        var tnmt = counters.Where(c => c.GetProperty("unit").GetString() == "VQ-TNMT").ToList();
        Assert.Equal(2, tnmt.Count);
        Assert.Equal("Phòng Tài nguyên và Môi trường", tnmt[0].GetProperty("unitName").GetString());
        // 1 counter per commune (16) + 2 in the town + 9 for the district's departments.
        Assert.Equal(27, counters.Length);
    }

    [Fact]
    public async Task A_counter_lists_its_instruments_and_an_unknown_one_is_404_problem()
    {
        var counter = await _client.GetFromJsonAsync<JsonElement>("/api/v1/counters/VQ-AS-Q1");
        Assert.Equal("Xã An Sơn", counter.GetProperty("unitName").GetString());
        var codes = counter.GetProperty("instruments").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList();
        Assert.Equal(["NHANH", "PAPI-M", "SIPAS-CS", "SIPAS-DV", "TT01"], codes);
        var missing = await _client.GetAsync("/api/v1/counters/NOPE");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_instrument_is_served_with_items_types_and_options()
    {
        var nhanh = await _client.GetFromJsonAsync<JsonElement>("/api/v1/instruments/NHANH");
        Assert.Equal(1, nhanh.GetProperty("version").GetInt32());
        var items = nhanh.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(["HL", "LY_DO", "GOP_Y"], items.Select(i => i.GetProperty("code").GetString()));
        Assert.Equal("likert5", items[0].GetProperty("type").GetString());
        Assert.Equal(6, items[1].GetProperty("options").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/instruments/NOPE")).StatusCode);
    }

    [Fact]
    public async Task Health_check_answers_when_the_database_does()
    {
        var health = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }
}
