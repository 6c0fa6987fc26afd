using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CchcSurvey.Core.Integrity;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>Counters: create and edit name, offered instruments, default instrument, active, opening hours; bad input changes nothing.</summary>
public sealed class CountersAdminTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task Create_a_counter_offering_two_instruments_and_it_serves_surveys()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var response = await AdminForms.PostAsync(admin, "/admin/counters",
            ("Form.Unit", "VQ-AS"), ("Form.Code", "VQ-AS-Q9"), ("Form.Name", "Quầy lưu động"),
            ("Form.Instruments", "NHANH"), ("Form.Instruments", "SIPAS-DV"), ("Form.DefaultInstrument", "SIPAS-DV"),
            ("Form.IsActive", "true"), ("Form.IsActive", "false"));
        AdminForms.AssertRedirectTo(response, "/admin/counters");
        var counter = factory.WithDatabase(db => db.Counters.AsNoTracking().Include(c => c.Unit).Single(c => c.Code == "VQ-AS-Q9"));
        Assert.Equal(("Quầy lưu động", "VQ-AS", "NHANH SIPAS-DV", "SIPAS-DV", true),
            (counter.Name, counter.Unit.Code, counter.Instruments, counter.DefaultInstrument, counter.IsActive));
        var api = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/api/v1/counters/VQ-AS-Q9"))!;
        Assert.Equal("VQ-AS", api["unit"]!.GetValue<string>());
        await AdminForms.SubmitAsync(factory, "VQ-AS-Q9", 5);
        Assert.Contains("counter-create", factory.WithDatabase(db => db.AuditEntries.Where(e => e.Target == "VQ-AS-Q9").Select(e => e.Action).ToList()));
    }

    [Theory]
    [InlineData("VQ-AS-Q1", "Quầy trùng", "NHANH", "NHANH", "Mã quầy này đã có.")]
    [InlineData("VQ AS Q8", "Quầy sai mã", "NHANH", "NHANH", "Mã quầy phải gồm")]
    [InlineData("VQ-AS-Q8", "Quầy sai mặc định", "NHANH", "TT01", "Phiếu mặc định phải là một trong các phiếu được chọn.")]
    [InlineData("VQ-AS-Q8", "Quầy không phiếu", "", "NHANH", "Hãy chọn ít nhất một phiếu khảo sát.")]
    [InlineData("VQ-AS-Q8", "Quầy phiếu lạ", "KHONG-CO", "KHONG-CO", "Có phiếu khảo sát chưa được xuất bản.")]
    [InlineData("VQ-AS-Q8", "", "NHANH", "NHANH", "Tên quầy phải có từ 1 đến 200 ký tự.")]
    public async Task Bad_input_to_create_shows_a_message_and_stores_nothing(string code, string name, string instrument, string defaultInstrument, string message)
    {
        var admin = await AdminForms.AdminAsync(factory);
        var before = factory.WithDatabase(db => db.Counters.Count());
        var response = await AdminForms.PostAsync(admin, "/admin/counters",
            ("Form.Unit", "VQ-AS"), ("Form.Code", code), ("Form.Name", name), ("Form.Instruments", instrument), ("Form.DefaultInstrument", defaultInstrument));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await AdminForms.HtmlAsync(response));
        Assert.Equal(before, factory.WithDatabase(db => db.Counters.Count()));
    }

    [Fact]
    public async Task Edit_deactivates_a_counter_and_is_audited()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var response = await AdminForms.PostAsync(admin, "/admin/counters/VQ-BP-Q1",
            ("Form.Name", "Quầy một cửa xã Bình Phúc"), ("Form.Instruments", "NHANH"), ("Form.Instruments", "TT01"),
            ("Form.DefaultInstrument", "TT01"), ("Form.IsActive", "false"));
        AdminForms.AssertRedirectTo(response, "/admin/counters/VQ-BP-Q1");
        var counter = factory.WithDatabase(db => db.Counters.AsNoTracking().Single(c => c.Code == "VQ-BP-Q1"));
        Assert.Equal(("Quầy một cửa xã Bình Phúc", "NHANH TT01", "TT01", false), (counter.Name, counter.Instruments, counter.DefaultInstrument, counter.IsActive));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/api/v1/counters/VQ-BP-Q1")).StatusCode);
        var entry = Assert.Single(AdminForms.Audit(factory, "counter-update"), e => e.Target == "VQ-BP-Q1");
        Assert.Contains("inactive", entry.Details);

        var bad = await AdminForms.PostAsync(admin, "/admin/counters/VQ-BP-Q1", ("Form.Name", "X"), ("Form.Instruments", "NHANH"), ("Form.DefaultInstrument", "SIPAS-DV"), ("Form.IsActive", "true"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.False(factory.WithDatabase(db => db.Counters.Single(c => c.Code == "VQ-BP-Q1").IsActive));
    }

    private static (string Name, string Value)[] EditFields(string name, string hours) =>
        [("Form.Name", name), ("Form.Instruments", "NHANH"), ("Form.DefaultInstrument", "NHANH"), ("Form.IsActive", "true"), ("Form.IsActive", "false"), ("Form.OpeningHours", hours)];

    private string? HoursOf(string code) => factory.WithDatabase(db => db.Counters.AsNoTracking().Single(c => c.Code == code).OpeningHours);

    private async Task<ResponseFlags> SubmitAndReadFlagsAsync(string counter)
    {
        var id = Guid.NewGuid();
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/responses", new
        {
            submissionId = id, counter, instrument = "NHANH", channel = "qr", answers = new Dictionary<string, object> { ["HL"] = 4 },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (ResponseFlags)factory.WithDatabase(db => db.Responses.Single(r => r.SubmissionId == id).Flags);
    }

    /// <summary>Opening hours on a day three days from today (local time): closed now, whatever the hour.</summary>
    private static string AnotherDay()
    {
        var today = DateTime.UtcNow.AddHours(7).DayOfWeek;
        return CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName((DayOfWeek)(((int)today + 3) % 7)) + " 07:30-11:30,13:30-17:00";
    }

    [Fact]
    public async Task Opening_hours_set_on_the_form_flag_responses_outside_them_and_clearing_them_means_always_open()
    {
        var admin = await AdminForms.AdminAsync(factory);
        Assert.Equal(ResponseFlags.None, await SubmitAndReadFlagsAsync("VQ-LH-Q1") & ResponseFlags.OutsideHours);

        var hours = AnotherDay();
        var set = await AdminForms.PostAsync(admin, "/admin/counters/VQ-LH-Q1", EditFields("Bộ phận Một cửa xã Liên Hội", $"  {hours}  "));
        AdminForms.AssertRedirectTo(set, "/admin/counters/VQ-LH-Q1");
        Assert.Equal(hours, HoursOf("VQ-LH-Q1"));
        Assert.Contains($"value=\"{hours}\"", await AdminForms.HtmlAsync(await admin.GetAsync("/admin/counters/VQ-LH-Q1")));
        var list = await AdminForms.HtmlAsync(await admin.GetAsync("/admin/counters"));
        Assert.Equal(hours, Regex.Match(list, "data-hours=\"VQ-LH-Q1\">([^<]*)<").Groups[1].Value);
        Assert.Equal("luôn mở", Regex.Match(list, "data-hours=\"VQ-LN-Q1\">([^<]*)<").Groups[1].Value);
        var entry = Assert.Single(AdminForms.Audit(factory, "counter-update"), e => e.Target == "VQ-LH-Q1");
        Assert.EndsWith($"hours always open → name 'Bộ phận Một cửa xã Liên Hội'; instruments NHANH; default NHANH; active; hours '{hours}'", entry.Details);

        // The response writer reads what the form stored: now is outside the hours.
        Assert.True((await SubmitAndReadFlagsAsync("VQ-LH-Q1")).HasFlag(ResponseFlags.OutsideHours));

        var cleared = await AdminForms.PostAsync(admin, "/admin/counters/VQ-LH-Q1", EditFields("Bộ phận Một cửa xã Liên Hội", ""));
        AdminForms.AssertRedirectTo(cleared, "/admin/counters/VQ-LH-Q1");
        Assert.Null(HoursOf("VQ-LH-Q1"));
        Assert.False((await SubmitAndReadFlagsAsync("VQ-LH-Q1")).HasFlag(ResponseFlags.OutsideHours));
        Assert.Contains(AdminForms.Audit(factory, "counter-update"), e => e.Target == "VQ-LH-Q1" && e.Details.EndsWith("hours always open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_counter_can_be_created_with_opening_hours()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var response = await AdminForms.PostAsync(admin, "/admin/counters",
            ("Form.Unit", "VQ-TN"), ("Form.Code", "VQ-TN-Q7"), ("Form.Name", "Quầy buổi sáng"),
            ("Form.Instruments", "NHANH"), ("Form.DefaultInstrument", "NHANH"), ("Form.IsActive", "true"),
            ("Form.OpeningHours", "Mon-Fri 07:30-11:30; Sat 07:30-11:30"));
        AdminForms.AssertRedirectTo(response, "/admin/counters");
        Assert.Equal("Mon-Fri 07:30-11:30; Sat 07:30-11:30", HoursOf("VQ-TN-Q7"));
        Assert.Contains("hours 'Mon-Fri 07:30-11:30; Sat 07:30-11:30'", Assert.Single(AdminForms.Audit(factory, "counter-create"), e => e.Target == "VQ-TN-Q7").Details);
    }

    [Theory]
    [InlineData("sometimes", "Giờ mở cửa: 'sometimes' cần có ngày rồi đến giờ, ví dụ 'Mon-Fri 07:30-11:30'.")]
    [InlineData("Thu2-Thu6 07:30-11:30", "Giờ mở cửa: 'Thu2-Thu6' không phải là ngày")]
    [InlineData("Mon-Fri 11:30-07:30", "Giờ mở cửa: '11:30-07:30' phải có dạng HH:mm-HH:mm, giờ kết thúc sau giờ bắt đầu.")]
    [InlineData("Mon-Fri 7h30-11h30", "Giờ mở cửa: '7h30-11h30' phải có dạng HH:mm-HH:mm")]
    [InlineData(";", "Giờ mở cửa không có khoảng thời gian nào.")]
    public async Task Invalid_opening_hours_answer_400_with_the_parsers_reason_in_Vietnamese_and_change_nothing(string hours, string message)
    {
        var admin = await AdminForms.AdminAsync(factory);
        var before = factory.WithDatabase(db => (db.Counters.AsNoTracking().Single(c => c.Code == "VQ-LN-Q1").Name, HoursOf("VQ-LN-Q1"), db.AuditEntries.Count()));
        var response = await AdminForms.PostAsync(admin, "/admin/counters/VQ-LN-Q1", EditFields("Tên mới không được lưu", hours));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await AdminForms.HtmlAsync(response);
        Assert.Contains(message, html);
        Assert.Contains($"value=\"{hours}\"", html);
        Assert.Equal(before, factory.WithDatabase(db => (db.Counters.AsNoTracking().Single(c => c.Code == "VQ-LN-Q1").Name, HoursOf("VQ-LN-Q1"), db.AuditEntries.Count())));

        var created = await AdminForms.PostAsync(admin, "/admin/counters",
            ("Form.Unit", "VQ-LN"), ("Form.Code", "VQ-LN-Q8"), ("Form.Name", "Quầy giờ sai"), ("Form.Instruments", "NHANH"), ("Form.DefaultInstrument", "NHANH"), ("Form.OpeningHours", hours));
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains(message, await AdminForms.HtmlAsync(created));
        Assert.False(factory.WithDatabase(db => db.Counters.Any(c => c.Code == "VQ-LN-Q8")));
    }

    [Fact]
    public async Task Opening_hours_longer_than_200_characters_are_refused_and_the_message_has_an_English_translation()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var tooLong = string.Join("; ", Enumerable.Repeat("Mon 07:30-11:30", 15));
        var response = await AdminForms.PostAsync(admin, "/admin/counters/VQ-LN-Q1", EditFields("Quầy", tooLong));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Giờ mở cửa tối đa 200 ký tự.", await AdminForms.HtmlAsync(response));
        Assert.Null(HoursOf("VQ-LN-Q1"));

        var english = await AdminForms.PostAsync(admin, "/admin/counters/VQ-LN-Q1?culture=en", "/admin/counters/VQ-LN-Q1?culture=en", EditFields("Quầy", "Mon-Fri 11:30-07:30"));
        Assert.Equal(HttpStatusCode.BadRequest, english.StatusCode);
        var html = await AdminForms.HtmlAsync(english);
        Assert.Contains("Opening hours: '11:30-07:30' must be HH:mm-HH:mm with the end after the start.", html);
        Assert.Contains("Opening hours (empty: always open)", html);
        Assert.Contains("Opening hours", await AdminForms.HtmlAsync(await admin.GetAsync("/admin/counters?culture=en")));
    }
}
