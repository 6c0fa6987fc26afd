using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Api;

/// <summary>POST /api/v1/responses and its status codes, exactly as CONTRACT.md lists them.</summary>
public sealed class ResponsesApiTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    // Answers go in a dictionary: the JSON web defaults would camel-case property names (HL → hl).
    private static object Nhanh(Guid id, Dictionary<string, object> answers, string counter = "VQ-AS-Q1", string channel = "qr") =>
        new { submissionId = id, counter, instrument = "NHANH", channel, answers };

    private int StoredResponses() => factory.WithDatabase(db => db.Responses.Count());

    [Fact]
    public async Task A_new_response_is_created_then_acknowledged_again_with_the_same_body()
    {
        var id = Guid.NewGuid();
        var first = await _client.PostAsJsonAsync("/api/v1/responses", Nhanh(id, new() { ["HL"] = 2, ["LY_DO"] = new[] { "cho_lau", "thai_do" }, ["GOP_Y"] = "Chờ 45 phút, gọi 0912 345 678" }));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await first.Content.ReadAsStringAsync();
        using (var json = JsonDocument.Parse(body))
        {
            Assert.Equal(id, json.RootElement.GetProperty("submissionId").GetGuid());
            Assert.Equal($"/r/{id}", json.RootElement.GetProperty("receipt").GetString());
        }
        Assert.Equal($"/r/{id}", first.Headers.Location?.OriginalString);

        var again = await _client.PostAsJsonAsync("/api/v1/responses", Nhanh(id, new() { ["HL"] = 2, ["LY_DO"] = new[] { "cho_lau", "thai_do" }, ["GOP_Y"] = "Chờ 45 phút, gọi 0912 345 678" }));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(body, await again.Content.ReadAsStringAsync());

        var stored = factory.WithDatabase(db => db.Responses.Include(r => r.Counter).Single(r => r.SubmissionId == id));
        Assert.Equal("qr", stored.Channel);
        Assert.Equal("VQ-AS-Q1", stored.Counter!.Code);
        Assert.DoesNotContain("0912", stored.AnswersJson, StringComparison.Ordinal);
        Assert.Contains("45 phút", stored.AnswersJson, StringComparison.Ordinal);
        Assert.Equal(0, stored.SubmittedHourUtc.Minute);
        Assert.Equal(0, stored.SubmittedHourUtc.Second);
    }

    [Fact]
    public async Task The_same_id_with_another_payload_is_refused_with_422_and_changes_nothing()
    {
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsJsonAsync("/api/v1/responses", Nhanh(id, new() { ["HL"] = 5 }))).StatusCode);
        var conflict = await _client.PostAsJsonAsync("/api/v1/responses", Nhanh(id, new() { ["HL"] = 1 }));
        Assert.Equal((HttpStatusCode)422, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"HL\":5}", factory.WithDatabase(db => db.Responses.Single(r => r.SubmissionId == id).AnswersJson));
    }

    [Fact]
    public async Task Concurrent_retries_and_reuses_of_ids_mixed_with_new_responses_store_each_id_once()
    {
        // Sent all at once so that they share group-commit batches: a batch of new responses is inserted straight
        // away, and one that meets a stored or repeated id is redone the careful way. Either way each id is stored
        // once, a same-payload retry answers 200, another payload 422, and the new ones 201.
        var before = StoredResponses();
        var stored = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsJsonAsync("/api/v1/responses", Nhanh(stored, new() { ["HL"] = 4 }))).StatusCode);
        var repeated = Guid.NewGuid();
        var fresh = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var calls = new List<(Guid Id, int Hl, Task<HttpResponseMessage> Call)>();
        foreach (var id in fresh) calls.Add((id, 3, _client.PostAsJsonAsync("/api/v1/responses", Nhanh(id, new() { ["HL"] = 3 }))));
        for (var i = 0; i < 5; i++)
        {
            calls.Add((stored, 4, _client.PostAsJsonAsync("/api/v1/responses", Nhanh(stored, new() { ["HL"] = 4 }))));
            calls.Add((stored, 1, _client.PostAsJsonAsync("/api/v1/responses", Nhanh(stored, new() { ["HL"] = 1 }))));
            calls.Add((repeated, 5, _client.PostAsJsonAsync("/api/v1/responses", Nhanh(repeated, new() { ["HL"] = 5 }))));
        }
        var statuses = (await Task.WhenAll(calls.Select(c => c.Call))).Select(r => r.StatusCode).ToList();
        var results = calls.Select((c, i) => (c.Id, c.Hl, Status: statuses[i])).ToList();

        Assert.All(results.Where(c => fresh.Contains(c.Id)), c => Assert.Equal(HttpStatusCode.Created, c.Status));
        Assert.All(results.Where(c => c.Id == stored && c.Hl == 4), c => Assert.Equal(HttpStatusCode.OK, c.Status));
        Assert.All(results.Where(c => c.Id == stored && c.Hl == 1), c => Assert.Equal((HttpStatusCode)422, c.Status));
        var repeatedStatuses = results.Where(c => c.Id == repeated).Select(c => c.Status).ToList();
        Assert.Equal(1, repeatedStatuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(4, repeatedStatuses.Count(s => s == HttpStatusCode.OK));

        Assert.Equal(before + 1 + fresh.Count + 1, StoredResponses());
        var answers = factory.WithDatabase(db => db.Responses.Where(r => r.SubmissionId == stored || r.SubmissionId == repeated)
            .ToDictionary(r => r.SubmissionId, r => r.AnswersJson));
        Assert.Equal("{\"HL\":4}", answers[stored]);
        Assert.Equal("{\"HL\":5}", answers[repeated]);
        // The statistics cells count each stored response once (same transaction as the rows).
        var unitId = factory.WithDatabase(db => db.Units.Single(u => u.Code == "VQ-AS").Id);
        var counted = factory.WithDatabase(db => db.StatisticsCells.Where(c => c.Period == CellPeriod.Day && c.UnitId == unitId).Sum(c => c.Responses));
        Assert.Equal(factory.WithDatabase(db => db.Responses.Count(r => r.Unit.Code == "VQ-AS")), counted);
    }

    public static TheoryData<string, string, string?> InvalidBodies => new()
    {
        { "unknown item", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":4,"XYZ":1}}""", "XYZ" },
        { "value out of range", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":7}}""", "HL" },
        { "wrong type", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":"4"}}""", "HL" },
        { "unknown option", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":2,"LY_DO":["nope"]}}""", "LY_DO" },
        { "reason for a good rating", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":5,"LY_DO":["phi"]}}""", "LY_DO" },
        { "text over 1000 characters", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":1,"GOP_Y":"$LONG"}}""", "GOP_Y" },
        { "unknown counter", """{"submissionId":"$ID","counter":"NOPE-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":4}}""", "counter" },
        { "unknown instrument", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"ABC","channel":"qr","answers":{"HL":4}}""", "instrument" },
        { "bad channel", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"sms","answers":{"HL":4}}""", "channel" },
        { "not a uuid", """{"submissionId":"123","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":4}}""", "submissionId" },
        { "answers not an object", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":[4]}""", "answers" },
        { "unknown version", """{"submissionId":"$ID","counter":"VQ-AS-Q1","instrument":"NHANH","version":99,"channel":"qr","answers":{"HL":4}}""", "instrument" },
        { "malformed JSON", """{"submissionId":"$ID","counter":""", null },
        { "not an object", "[1,2,3]", null },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_requests_get_400_problem_details_naming_the_item_and_store_nothing(string why, string template, string? field)
    {
        var before = StoredResponses();
        var body = template.Replace("$ID", Guid.NewGuid().ToString()).Replace("$LONG", new string('a', 1001));
        var response = await _client.PostAsync("/api/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{why}: the problem does not name {field}");
        }
        Assert.Equal(before, StoredResponses());
    }

    [Fact]
    public async Task An_instrument_the_counter_does_not_offer_is_refused()
    {
        factory.WithDatabase(db =>
        {
            var unit = db.Units.Single(u => u.Code == "VQ-BP");
            db.Counters.Add(new Counter { Code = "VQ-BP-NHANH", Name = "Chỉ đánh giá nhanh", UnitId = unit.Id, Instruments = "NHANH", DefaultInstrument = "NHANH" });
            return db.SaveChanges();
        });
        var before = StoredResponses();
        var response = await _client.PostAsJsonAsync("/api/v1/responses",
            new { submissionId = Guid.NewGuid(), counter = "VQ-BP-NHANH", instrument = "TT01", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 3 } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not offer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, StoredResponses());
    }

    [Fact]
    public async Task Wrong_content_type_and_oversized_bodies_are_refused()
    {
        var before = StoredResponses();
        var form = await _client.PostAsync("/api/v1/responses", new StringContent("HL=4", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        var huge = await _client.PostAsync("/api/v1/responses", new StringContent("{\"x\":\"" + new string('a', 200_000) + "\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(before, StoredResponses());
    }

    [Fact]
    public async Task A_full_SIPAS_DV_response_with_every_answer_type_is_stored()
    {
        var id = Guid.NewGuid();
        var answers = new Dictionary<string, object>
        {
            ["TC1"] = 4, ["TT5"] = 2, ["CC1"] = 5, ["HL_TC"] = 4, ["HL_TT"] = 3, ["HL_CC"] = 5, ["HL_KQ"] = 4, ["HL_PA"] = 1,
            ["HL_CHUNG"] = 4, ["MONG_DOI"] = new[] { "TT", "PA" }, ["GOP_Y"] = "Tốt", ["GIOI_TINH"] = "nu", ["NHOM_TUOI"] = "30-44",
        };
        var response = await _client.PostAsJsonAsync("/api/v1/responses", new { submissionId = id, counter = "VQ-TT-Q1", instrument = "SIPAS-DV", version = 1, channel = "qr", answers });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = factory.WithDatabase(db => db.Responses.Single(r => r.SubmissionId == id).AnswersJson);
        Assert.Contains("\"MONG_DOI\":[\"TT\",\"PA\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"GIOI_TINH\":\"nu\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receipts_show_the_date_only_and_404_for_unknown_ids()
    {
        var id = Guid.NewGuid();
        await _client.PostAsJsonAsync("/api/v1/responses", Nhanh(id, new() { ["HL"] = 4 }));
        var receipt = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/receipts/{id}");
        Assert.True(receipt.GetProperty("recorded").GetBoolean());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", receipt.GetProperty("date").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/v1/receipts/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/v1/receipts/not-a-guid")).StatusCode);
    }
}
