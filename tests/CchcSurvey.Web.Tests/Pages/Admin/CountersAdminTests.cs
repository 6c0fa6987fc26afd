using System.Net;
using System.Text.Json.Nodes;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>Counters: create and edit name, offered instruments, default instrument, active; bad input changes nothing.</summary>
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
}
