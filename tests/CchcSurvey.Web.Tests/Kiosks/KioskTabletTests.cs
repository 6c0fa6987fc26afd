using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Survey;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Kiosks;

/// <summary>
/// Enrolled counter tablets: only a browser that opened a valid enrolment link may send channel kiosk, for its own
/// counter, until revoked; a forged, tampered, copied or other counter's credential is refused and stores nothing.
/// </summary>
public sealed class KioskTabletTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private int Stored(Guid id) => factory.WithDatabase(db => db.Responses.Count(r => r.SubmissionId == id));

    private static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("kiosk", out var reason) ? reason.GetString() : null;
    }

    [Fact]
    public async Task The_enrolment_link_sets_an_HttpOnly_credential_once_and_opens_the_kiosk()
    {
        var client = factory.CreateBrowserClient();
        var (id, path) = await KioskEnrolment.IssueAsync(factory, "VQ-AS-Q1", "Máy quầy 1");
        Assert.StartsWith("/kiosk-enrol/", path);

        var enrolled = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        Assert.Equal("/kiosk/VQ-AS-Q1", enrolled.Headers.Location!.OriginalString);
        var cookie = Assert.Single(enrolled.Headers.GetValues("Set-Cookie"), c => c.StartsWith(KioskCredentials.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        // Single use: the same link on another browser (or again) enrols nothing.
        var again = await factory.CreateBrowserClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("Liên kết đăng ký không dùng được", await again.Content.ReadAsStringAsync());

        var row = factory.WithDatabase(db => db.KioskTablets.Single(t => t.Id == id));
        Assert.Null(row.EnrolmentCodeHash);
        Assert.NotNull(row.EnrolledUtc);
        Assert.True(factory.WithDatabase(db => db.AuditEntries.Any(a => a.Action == "kiosk-enrol" && a.Target == $"kiosk:{id}")));

        var page = await client.GetStringAsync("/kiosk/VQ-AS-Q1");
        Assert.Contains("data-enrolled=\"1\"", page);
        Assert.Contains("/js/kiosk.js", page);
    }

    [Fact]
    public async Task An_expired_or_unknown_enrolment_link_enrols_nothing()
    {
        var (id, path) = await KioskEnrolment.IssueAsync(factory, "VQ-AS-Q1");
        factory.WithDatabase(db => db.KioskTablets.Where(t => t.Id == id).ExecuteUpdate(s => s.SetProperty(t => t.EnrolmentExpiresUtc, DateTime.UtcNow.AddMinutes(-1))));
        var client = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/kiosk-enrol/AAAAAAAAAAAAAAAAAAAAAA")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/kiosk-enrol/%3Cscript%3E")).StatusCode);
        Assert.Null(factory.WithDatabase(db => db.KioskTablets.Single(t => t.Id == id).EnrolledUtc));
        var answer = await client.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid()));
        Assert.Equal("missing", await ReasonAsync(answer));
    }

    [Fact]
    public async Task Only_an_enrolled_tablet_of_the_counter_sends_kiosk_answers()
    {
        var (tablet, _) = await KioskEnrolment.EnrolledClientAsync(factory, "VQ-AS-Q1");
        var ok = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(ok))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(ok))).StatusCode);
        Assert.Equal("kiosk", factory.WithDatabase(db => db.Responses.Single(r => r.SubmissionId == ok).Channel));

        // Anyone else: no credential.
        var anonymous = Guid.NewGuid();
        Assert.Equal("missing", await ReasonAsync(await factory.CreateClient().PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(anonymous))));
        // The tablet's own credential for another counter.
        var other = Guid.NewGuid();
        Assert.Equal("otherCounter", await ReasonAsync(await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(other, "VQ-BP-Q1"))));
        Assert.Equal(0, Stored(anonymous) + Stored(other));
        // The same tablet may still send ordinary channels.
        Assert.Equal(HttpStatusCode.Created, (await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid(), channel: "qr"))).StatusCode);
    }

    [Fact]
    public async Task A_forged_tampered_or_copied_credential_is_refused()
    {
        var (tablet, _) = await KioskEnrolment.EnrolledClientAsync(factory, "VQ-AS-Q1");
        var page = await tablet.GetAsync("/kiosk/VQ-AS-Q1");
        var credential = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(KioskCredentials.CookieName + "=", StringComparison.Ordinal));
        var value = credential[(KioskCredentials.CookieName.Length + 1)..credential.IndexOf(';')];
        var before = factory.WithDatabase(db => db.Responses.Count());

        async Task<string?> WithCookies(string cookies)
        {
            var client = factory.CreateClient(new() { HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/responses") { Content = JsonContent.Create(KioskEnrolment.Answer(Guid.NewGuid())) };
            request.Headers.Add("Cookie", cookies);
            return await ReasonAsync(await client.SendAsync(request));
        }

        Assert.Equal("invalid", await WithCookies($"{KioskCredentials.CookieName}=forged-by-hand; {SubmissionRateLimiting.DeviceCookie}=0123456789abcdef0123456789abcdef"));
        var tampered = value[..^4] + (value[^4] == 'A' ? 'B' : 'A') + value[^3..];
        Assert.Equal("invalid", await WithCookies($"{KioskCredentials.CookieName}={tampered}; {SubmissionRateLimiting.DeviceCookie}=0123456789abcdef0123456789abcdef"));
        // The genuine credential copied alone into another browser (its own device cookie, or none).
        Assert.Equal("invalid", await WithCookies($"{KioskCredentials.CookieName}={value}; {SubmissionRateLimiting.DeviceCookie}=0123456789abcdef0123456789abcdef"));
        Assert.Equal("invalid", await WithCookies($"{KioskCredentials.CookieName}={value}"));
        Assert.Equal(before, factory.WithDatabase(db => db.Responses.Count()));
    }

    [Fact]
    public async Task A_revoked_tablets_answers_are_refused_with_a_clear_reason_and_nothing_is_stored()
    {
        var (tablet, id) = await KioskEnrolment.EnrolledClientAsync(factory, "VQ-AS-Q1");
        factory.WithDatabase(db => db.KioskTablets.Where(t => t.Id == id).ExecuteUpdate(s => s.SetProperty(t => t.RevokedUtc, DateTime.UtcNow)));
        var queued = Guid.NewGuid();
        var answer = await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(queued));
        Assert.Equal("revoked", await ReasonAsync(answer));
        Assert.Equal(0, Stored(queued));
        // The page tells the tablet's staff too, and its form refuses.
        var form = await SurveyForm.OpenAsync(tablet, "/kiosk/VQ-AS-Q1");
        Assert.Contains("data-enrolled=\"0\"", form.Html);
        Assert.Contains("đã bị thu hồi", form.Html);
        var post = await SurveyForm.PostAsync(tablet, form, ("HL", "5"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("đã bị thu hồi", await SurveyForm.HtmlAsync(post));
        Assert.Equal(0, Stored(form.SubmissionId));
    }

    [Fact]
    public async Task The_kiosk_form_without_enrolment_stores_nothing()
    {
        var client = factory.CreateBrowserClient();
        var form = await SurveyForm.OpenAsync(client, "/kiosk/VQ-AS-Q1");
        Assert.Contains("data-enrolled=\"0\"", form.Html);
        var post = await SurveyForm.PostAsync(client, form, ("HL", "4"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("chưa được đăng ký", await SurveyForm.HtmlAsync(post));
        Assert.Equal(0, Stored(form.SubmissionId));
    }

    [Fact]
    public async Task Last_seen_is_written_at_most_once_a_minute()
    {
        var (tablet, id) = await KioskEnrolment.EnrolledClientAsync(factory, "VQ-AS-Q1");
        var recent = DateTime.UtcNow.AddSeconds(-20);
        factory.WithDatabase(db => db.KioskTablets.Where(t => t.Id == id).ExecuteUpdate(s => s.SetProperty(t => t.LastSeenUtc, recent)));
        Assert.Equal(HttpStatusCode.Created, (await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid()))).StatusCode);
        var seen = factory.WithDatabase(db => db.KioskTablets.Single(t => t.Id == id).LastSeenUtc!.Value);
        Assert.True(Math.Abs((seen - recent).TotalSeconds) < 1, $"{seen:O} vs {recent:O}");

        var old = DateTime.UtcNow.AddMinutes(-5);
        factory.WithDatabase(db => db.KioskTablets.Where(t => t.Id == id).ExecuteUpdate(s => s.SetProperty(t => t.LastSeenUtc, old)));
        Assert.Equal(HttpStatusCode.Created, (await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(Guid.NewGuid()))).StatusCode);
        Assert.True(factory.WithDatabase(db => db.KioskTablets.Single(t => t.Id == id).LastSeenUtc) > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Kiosk_answers_are_never_flagged_as_a_repeated_device()
    {
        var (tablet, _) = await KioskEnrolment.EnrolledClientAsync(factory, "VQ-TT-Q1");
        var ids = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
            Assert.Equal(HttpStatusCode.Created, (await tablet.PostAsJsonAsync("/api/v1/responses", KioskEnrolment.Answer(id, "VQ-TT-Q1", rating: 3))).StatusCode);
        var flags = factory.WithDatabase(db => db.Responses.Where(r => ids.Contains(r.SubmissionId)).Select(r => r.Flags).ToList());
        Assert.Equal(3, flags.Count);
        Assert.All(flags, f => Assert.Equal(0, f & (int)CchcSurvey.Core.Integrity.ResponseFlags.RepeatDevice));
    }

    [Fact]
    public async Task Kiosk_add_prints_the_enrolment_url_alone_on_its_last_line_and_refuses_what_it_does_not_know()
    {
        var run = await CliRunner.RunAsync(factory, "kiosk", "add", "--counter", "VQ-AS-Q1", "--name", "Máy tính bảng quầy 1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Matches("^https://khaosat\\.example\\.vn/kiosk-enrol/[A-Za-z0-9_-]{22}$", run.LastLine);
        var client = factory.CreateBrowserClient();
        var enrolled = await client.GetAsync(new Uri(run.LastLine).PathAndQuery);
        Assert.Equal("/kiosk/VQ-AS-Q1", enrolled.Headers.Location!.OriginalString);
        Assert.True(factory.WithDatabase(db => db.KioskTablets.Any(t => t.Name == "Máy tính bảng quầy 1" && t.EnrolledUtc != null)));
        Assert.True(factory.WithDatabase(db => db.AuditEntries.Any(a => a.Action == "kiosk-create" && a.Details.Contains("Máy tính bảng quầy 1"))));

        var before = factory.WithDatabase(db => db.KioskTablets.Count());
        var unknown = await CliRunner.RunAsync(factory, "kiosk", "add", "--counter", "NOPE-Q1");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no counter", unknown.Error);
        Assert.NotEqual(0, (await CliRunner.RunAsync(factory, "kiosk", "add")).ExitCode);
        Assert.NotEqual(0, (await CliRunner.RunAsync(factory, "kiosk", "add", "--counter", "VQ-AS-Q1", "--name", new string('x', 101))).ExitCode);
        Assert.NotEqual(0, (await CliRunner.RunAsync(factory, "kiosk", "remove", "--counter", "VQ-AS-Q1")).ExitCode);
        Assert.Equal(before, factory.WithDatabase(db => db.KioskTablets.Count()));
    }
}
