using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CchcSurvey.Core.Integrity;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Integrity;

/// <summary>
/// The app with a burst threshold of 3 responses per counter and hour, and a TooFast threshold of 120 s for
/// NHANH, so that a form posted right after it was shown is "too fast" even on a slow, loaded test machine.
/// </summary>
public sealed class LowBurstAppFactory : SurveyAppFactory
{
    public LowBurstAppFactory()
    {
        ExtraSettings["Integrity:BurstPerCounterPerHour"] = "3";
        ExtraSettings["Integrity:TooFastSeconds:NHANH"] = "120";
    }
}

/// <summary>
/// Each suspicion flag is raised (and only then), stored on the response, shown with its reason to officials,
/// and left out of the figures with includeFlagged=false. Each test uses its own counter.
/// </summary>
public sealed class SuspicionFlagTests(LowBurstAppFactory factory) : IClassFixture<LowBurstAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private ResponseFlags FlagsOf(Guid id) => (ResponseFlags)factory.WithDatabase(db => db.Responses.Single(r => r.SubmissionId == id).Flags);

    private async Task<Guid> PostAsync(string counter, int hl, double? elapsed = null, string? device = null)
    {
        var id = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/responses") { Content = JsonContent.Create(Nhanh(id, hl, counter: counter, elapsed: elapsed)) };
        if (device is not null) request.Headers.Add("Cookie", $"cchc_device={device}");
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    [Fact]
    public async Task More_responses_than_the_burst_threshold_from_one_counter_in_an_hour_are_flagged_Burst()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(await PostAsync("VQ-KTHT-Q1", 3));
        Assert.All(ids.Take(3), id => Assert.False(FlagsOf(id).HasFlag(ResponseFlags.Burst)));
        Assert.All(ids.Skip(3), id => Assert.True(FlagsOf(id).HasFlag(ResponseFlags.Burst)));
        Assert.Equal(5, factory.WithDatabase(db => db.Responses.Count(r => r.Counter!.Code == "VQ-KTHT-Q1")));
    }

    [Fact]
    public async Task The_same_device_again_at_the_same_counter_is_flagged_RepeatDevice()
    {
        var device = await IssuedDeviceAsync(factory);
        var first = await PostAsync("VQ-BP-Q1", 3, device: device);
        var second = await PostAsync("VQ-BP-Q1", 2, device: device);
        var otherDevice = await PostAsync("VQ-BP-Q1", 3, device: await IssuedDeviceAsync(factory));
        var otherCounter = await PostAsync("VQ-DH-Q1", 3, device: device);
        Assert.False(FlagsOf(first).HasFlag(ResponseFlags.RepeatDevice));
        Assert.True(FlagsOf(second).HasFlag(ResponseFlags.RepeatDevice));
        Assert.False(FlagsOf(otherDevice).HasFlag(ResponseFlags.RepeatDevice));
        Assert.False(FlagsOf(otherCounter).HasFlag(ResponseFlags.RepeatDevice));
        Assert.False(DatabaseFilesContain(factory, device), "the raw device cookie is in the database");
    }

    [Fact]
    public async Task The_survey_form_sends_the_device_cookie_so_a_second_form_from_the_same_phone_is_flagged()
    {
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, "/s/VQ-YP-Q1");
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(browser, form, ("HL", "3"))).StatusCode);
        var again = await SurveyForm.OpenAsync(browser, "/s/VQ-YP-Q1");
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(browser, again, ("HL", "2"))).StatusCode);
        Assert.False(FlagsOf(form.SubmissionId).HasFlag(ResponseFlags.RepeatDevice));
        Assert.True(FlagsOf(again.SubmissionId).HasFlag(ResponseFlags.RepeatDevice));

        // A kiosk tablet serves many citizens with one cookie: never a repeat device.
        var (kiosk, _) = await Kiosks.KioskEnrolment.EnrolledClientAsync(factory, "VQ-TPH-Q1");
        var ids = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var kioskForm = await SurveyForm.OpenAsync(kiosk, "/kiosk/VQ-TPH-Q1");
            Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(kiosk, kioskForm, ("HL", "3"))).StatusCode);
            ids.Add(kioskForm.SubmissionId);
        }
        Assert.All(ids, id => Assert.False(FlagsOf(id).HasFlag(ResponseFlags.RepeatDevice)));
    }

    [Fact]
    public async Task All_top_answers_faster_than_the_threshold_are_flagged_TooFast()
    {
        var fastTop = await PostAsync("VQ-DG-Q1", 5, elapsed: 1);
        var fastMiddle = await PostAsync("VQ-DG-Q1", 3, elapsed: 1);
        var slowTop = await PostAsync("VQ-DG-Q1", 5, elapsed: 300);
        var unknownTop = await PostAsync("VQ-TD-Q1", 5);
        Assert.True(FlagsOf(fastTop).HasFlag(ResponseFlags.TooFast));
        Assert.False(FlagsOf(fastMiddle).HasFlag(ResponseFlags.TooFast));
        Assert.False(FlagsOf(slowTop).HasFlag(ResponseFlags.TooFast));
        Assert.False(FlagsOf(unknownTop).HasFlag(ResponseFlags.TooFast));

        // The form measures the time since it was shown itself: sent at once with the top face → TooFast.
        var browser = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(browser, "/s/VQ-TD-Q1");
        var rendered = System.Text.RegularExpressions.Regex.Match(form.Html, "name=\"__rendered\" value=\"([^\"]+)\"");
        Assert.True(rendered.Success, "the form has no __rendered field");
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(browser, form, ("HL", "5"), ("__rendered", rendered.Groups[1].Value))).StatusCode);
        Assert.True(FlagsOf(form.SubmissionId).HasFlag(ResponseFlags.TooFast));

        // A forged or missing stamp measures nothing: not flagged.
        var forged = await SurveyForm.OpenAsync(browser, "/s/VQ-TD-Q1");
        Assert.Equal(HttpStatusCode.Redirect, (await SurveyForm.PostAsync(browser, forged, ("HL", "5"), ("__rendered", "CfDJ8forged"))).StatusCode);
        Assert.False(FlagsOf(forged.SubmissionId).HasFlag(ResponseFlags.TooFast));
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.PostAsJsonAsync("/api/v1/responses", Nhanh(Guid.NewGuid(), 5, counter: "VQ-TD-Q1", elapsed: -1))).StatusCode);
    }

    [Fact]
    public async Task A_response_while_the_counter_is_closed_is_flagged_OutsideHours()
    {
        var today = DateTime.UtcNow.AddHours(7).DayOfWeek;
        string Day(DayOfWeek d) => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(d);
        var closedDay = (DayOfWeek)(((int)today + 3) % 7);

        var set = await CliRunner.RunAsync(factory, "counters", "hours", "VQ-HL-Q1", $"{Day(closedDay)} 00:00-24:00");
        Assert.True(set.ExitCode == 0, set.Error);
        var closed = await PostAsync("VQ-HL-Q1", 3);
        Assert.True(FlagsOf(closed).HasFlag(ResponseFlags.OutsideHours));

        Assert.Equal(0, (await CliRunner.RunAsync(factory, "counters", "hours", "VQ-HL-Q1", $"Mon-Sun 00:00-24:00")).ExitCode);
        var open = await PostAsync("VQ-HL-Q1", 3);
        Assert.False(FlagsOf(open).HasFlag(ResponseFlags.OutsideHours));

        Assert.NotEqual(0, (await CliRunner.RunAsync(factory, "counters", "hours", "VQ-HL-Q1", "sometimes")).ExitCode);
        // Longer than the column: refused with a reason instead of a database error.
        var tooLong = await CliRunner.RunAsync(factory, "counters", "hours", "VQ-HL-Q1", string.Join("; ", Enumerable.Repeat("Mon 07:00-08:00", 20)));
        Assert.NotEqual(0, tooLong.ExitCode);
        Assert.Contains("200", tooLong.Output + tooLong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_beyond_the_imported_dossier_count_are_flagged_MoreThanDossiers()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dossiers-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, $"unit,month,count\nVQ-KK,{LocalMonth()},1\n");
        var import = await CliRunner.RunAsync(factory, "dossiers", "import", file);
        Assert.True(import.ExitCode == 0, import.Error);
        var first = await PostAsync("VQ-KK-Q1", 3);
        var second = await PostAsync("VQ-KK-Q1", 3);
        Assert.False(FlagsOf(first).HasFlag(ResponseFlags.MoreThanDossiers));
        Assert.True(FlagsOf(second).HasFlag(ResponseFlags.MoreThanDossiers));

        await File.WriteAllTextAsync(file, $"VQ-KK,{LocalMonth()},x\n");
        Assert.NotEqual(0, (await CliRunner.RunAsync(factory, "dossiers", "import", file)).ExitCode);
        await File.WriteAllTextAsync(file, $"NOPE,{LocalMonth()},4\n");
        Assert.NotEqual(0, (await CliRunner.RunAsync(factory, "dossiers", "import", file)).ExitCode);
        File.Delete(file);
    }

    [Fact]
    public async Task Dossier_counts_posted_through_the_api_raise_the_flag_and_respect_the_scope()
    {
        var admin = Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));
        var posted = await admin.PostAsJsonAsync("/api/v1/dossiers", new[] { new { unit = "VQ-LH", month = LocalMonth(), count = 1 } });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var first = await PostAsync("VQ-LH-Q1", 3);
        var second = await PostAsync("VQ-LH-Q1", 3);
        Assert.False(FlagsOf(first).HasFlag(ResponseFlags.MoreThanDossiers));
        Assert.True(FlagsOf(second).HasFlag(ResponseFlags.MoreThanDossiers));

        await AddOfficialAsync(factory, "manager.dossiers@vq.vn", "manager", "VQ-TP");
        var manager = Bearer(factory, await ApiTokenAsync(factory, "manager.dossiers@vq.vn"));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync("/api/v1/dossiers", new { unit = "VQ-LH", month = LocalMonth(), count = 500 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync("/api/v1/dossiers", new { unit = "VQ-TP", month = LocalMonth(), count = 500 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync("/api/v1/dossiers", new { unit = "VQ-TP", month = "2026-13", count = 5 })).StatusCode);
        Assert.Equal(1, factory.WithDatabase(db => db.DossierCounts.Single(d => d.Unit.Code == "VQ-LH").Count));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync("/api/v1/dossiers", new { unit = "VQ-TP", month = LocalMonth(), count = 5 })).StatusCode);
    }

    [Fact]
    public async Task Flagged_responses_are_left_out_of_the_figures_unless_includeFlagged_is_true()
    {
        await PostAsync("VQ-HB-Q1", 4, elapsed: 300);
        await PostAsync("VQ-HB-Q1", 2, elapsed: 300);
        var flagged = await PostAsync("VQ-HB-Q1", 5, elapsed: 1);
        Assert.NotEqual(ResponseFlags.None, FlagsOf(flagged));

        var admin = Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail));
        async Task<(int Responses, int N)> FiguresAsync(string query)
        {
            using var json = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/units/VQ-HB/indices?instrument=NHANH{query}"));
            return (json.RootElement.GetProperty("responses").GetInt32(), json.RootElement.GetProperty("HL").GetProperty("n").GetInt32());
        }
        // Left out by default (METHODOLOGY §6): including them is an explicit choice.
        Assert.Equal((2, 2), await FiguresAsync(""));
        Assert.Equal((3, 3), await FiguresAsync("&includeFlagged=true"));
        Assert.Equal((2, 2), await FiguresAsync("&includeFlagged=false"));
    }

    [Fact]
    public async Task Officials_see_flagged_responses_of_their_scope_with_the_reasons()
    {
        var flagged = await PostAsync("VQ-TX-Q1", 5, elapsed: 0.5);
        Assert.True(FlagsOf(flagged).HasFlag(ResponseFlags.TooFast));

        var browser = factory.CreateBrowserClient();
        await Http.SignInAsync(browser, SurveyAppFactory.AdminEmail, SurveyAppFactory.AdminPassword);
        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/dashboard/flagged"));
        Assert.Contains("data-unit=\"VQ-TX\"", html);
        foreach (var reason in ResponseFlagReasons.All) Assert.Contains(reason.Vi, html);
        var english = WebUtility.HtmlDecode(await browser.GetStringAsync("/dashboard/flagged?culture=en"));
        Assert.Contains(ResponseFlagReasons.All.Single(r => r.Flag == ResponseFlags.TooFast).En, english);

        await AddOfficialAsync(factory, "viewer.flags@vq.vn", "viewer", "VQ-TP");
        var viewer = factory.CreateBrowserClient();
        await Http.SignInAsync(viewer, "viewer.flags@vq.vn", "Official-Pass-123");
        var scoped = WebUtility.HtmlDecode(await viewer.GetStringAsync("/dashboard/flagged"));
        Assert.DoesNotContain("data-unit=\"VQ-TX\"", scoped);
    }
}
