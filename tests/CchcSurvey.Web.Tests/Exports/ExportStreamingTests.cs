using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CchcSurvey.Web.Tests.Infrastructure;

namespace CchcSurvey.Web.Tests.Exports;

/// <summary>A few thousand demo responses through the streamed microdata export, over HTTP and on the command line.</summary>
public sealed class ExportStreamingTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private async Task<HttpClient> AdminWithDemoDataAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (factory.WithDatabase(db => db.Responses.Count()) == 0)
                Assert.Equal(0, (await CliRunner.RunAsync(factory, "demo", "--responses", "3000")).ExitCode);
        }
        finally
        {
            Gate.Release();
        }
        var token = await CliRunner.RunAsync(factory, "token", "add", "--email", SurveyAppFactory.AdminEmail);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.LastLine);
        return client;
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    [InlineData("xlsx")]
    public async Task Three_thousand_responses_stream_out_once_each_in_id_order(string format)
    {
        var client = await AdminWithDemoDataAsync();
        using var response = await client.GetAsync($"/api/v1/export/responses.{format}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength); // streamed, not buffered
        var rows = ExportTables.Read(format, await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(3000, rows.Count);
        Assert.Equal(3000, rows.Select(r => r["respondent"]).Distinct().Count());
        var expected = factory.WithDatabase(db => db.Responses.OrderBy(r => r.Id).Select(r => r.Unit.Code).ToList());
        Assert.Equal(expected, rows.Select(r => r["unit"]));
        Assert.Contains(rows, r => r["SIPAS-DV.HL_CHUNG"].Length > 0 || r["NHANH.HL"].Length > 0);
    }

    [Fact]
    public async Task A_period_keeps_only_the_responses_of_that_calendar_month_and_a_single_day_is_refused()
    {
        var client = await AdminWithDemoDataAsync();
        var all = ExportTables.Json(await client.GetByteArrayAsync("/api/v1/export/responses.json?unit=VQ"));
        var day = all.Select(r => r["date"]).Distinct().Order().Skip(5).First()!;
        var month = day[..7];
        var one = ExportTables.Json(await client.GetByteArrayAsync($"/api/v1/export/responses.json?unit=VQ&period={month}"));
        Assert.NotEmpty(one);
        Assert.Equal(all.Count(r => r["date"]!.StartsWith(month, StringComparison.Ordinal)), one.Count);
        Assert.All(one, r => Assert.StartsWith(month, r["date"]));
        // One day is not a period an official may choose (METHODOLOGY §6, No differencing).
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/export/responses.json?unit=VQ&from={day}&to={day}")).StatusCode);
    }

    [Fact]
    public async Task The_export_command_writes_the_file_with_a_progress_bar()
    {
        await AdminWithDemoDataAsync();
        var file = Path.Combine(Path.GetTempPath(), $"cchc-export-{Guid.NewGuid():N}.csv");
        try
        {
            var run = await CliRunner.RunAsync(factory, "export", "responses", "--unit", "VQ", "--format", "csv", "--out", file, "--instrument", "NHANH");
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("100%", run.Output, StringComparison.Ordinal);
            Assert.Contains("responses written to", run.Output, StringComparison.Ordinal);
            var rows = ExportTables.Csv(await File.ReadAllBytesAsync(file));
            var expected = factory.WithDatabase(db => db.Responses.Count(r => r.InstrumentVersion.Code == "NHANH" && r.Unit.Path.StartsWith(db.Units.Single(u => u.Code == "VQ").Path)));
            Assert.Equal(expected, rows.Count);
            Assert.Contains("HL", rows[0].Keys);
            Assert.False(File.Exists(file + ".part"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("export", "responses", "--out", "/tmp/x.csv", "--format", "pdf")]
    [InlineData("export", "responses", "--out", "/tmp/x.csv", "--unit", "NOPE")]
    [InlineData("export", "responses", "--out", "/tmp/x.csv", "--from", "yesterday")]
    [InlineData("export", "responses", "--out", "/no/such/folder/x.csv")]
    public async Task Bad_export_arguments_exit_non_zero_with_one_line(params string[] args)
    {
        var run = await CliRunner.RunAsync(factory, args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(File.Exists("/tmp/x.csv"));
    }
}
