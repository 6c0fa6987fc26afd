using System.Net;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>
/// Lead departments per unit, edited on <c>/admin/units/{code}</c>: a unit's setting shows on the dashboard of
/// the unit and its subtree (not a sibling or the parent), a stored ancestor's setting beats the configuration,
/// an empty field inherits again, bad input changes nothing, and each change is audited once.
/// </summary>
public sealed class UnitLeadsAdminTests : IClassFixture<SurveyAppFactory>
{
    private readonly SurveyAppFactory _factory;

    public UnitLeadsAdminTests(SurveyAppFactory factory)
    {
        factory.ExtraSettings["Dashboard:ElementLeads:VQ-DG:TT"] = "Văn phòng xã Đồng Giáp (cấu hình)";
        _factory = factory;
    }

    private static (string Name, string Value)[] Leads(string? tc = "", string? tt = "", string? cc = "", string? kq = "", string? pa = "") =>
        [("leads[TC]", tc ?? ""), ("leads[TT]", tt ?? ""), ("leads[CC]", cc ?? ""), ("leads[KQ]", kq ?? ""), ("leads[PA]", pa ?? "")];

    private static Task<HttpResponseMessage> PostLeadsAsync(HttpClient client, string unit, params (string Name, string Value)[] fields) =>
        AdminForms.PostAsync(client, $"/admin/units/{unit}", $"/admin/units/{unit}?handler=leads", fields);

    private static async Task<string> DashboardLeadAsync(HttpClient client, string unit, string element)
    {
        var response = await client.GetAsync($"/dashboard?unit={unit}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return WebUtility.HtmlDecode(Regex.Match(html, $"data-lead=\"{element}\">([^<]*)<").Groups[1].Value);
    }

    private static async Task<string> InheritedAsync(HttpClient client, string unit, string element)
    {
        var html = await client.GetStringAsync($"/admin/units/{unit}");
        return WebUtility.HtmlDecode(Regex.Match(html, $"data-inherited=\"{element}\">([^<]*)<").Groups[1].Value).Trim();
    }

    private int LeadRows() => _factory.WithDatabase(db => db.UnitElementLeads.Count());

    [Fact]
    public async Task A_lead_set_on_a_unit_shows_on_its_dashboard_and_its_subtree_but_not_on_a_sibling_or_the_parent()
    {
        var admin = await AdminForms.AdminAsync(_factory);
        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(admin, "/admin/units",
            ("Form.Parent", "VQ-AS"), ("Form.Code", "VQ-AS-T1"), ("Form.Name", "Thôn Bản Châu"), ("Form.Level", "Thôn")), "/admin/units");

        var saved = await PostLeadsAsync(admin, "VQ-AS", Leads(cc: "  Công chức văn phòng - thống kê xã An Sơn  "));
        AdminForms.AssertRedirectTo(saved, "/admin/units/VQ-AS");
        Assert.Contains("Đã lưu cơ quan chủ trì.", WebUtility.HtmlDecode(await admin.GetStringAsync(saved.Headers.Location!.OriginalString)));

        Assert.Equal("Chủ trì: Công chức văn phòng - thống kê xã An Sơn", await DashboardLeadAsync(admin, "VQ-AS", "CC"));
        Assert.Equal("Chủ trì: Công chức văn phòng - thống kê xã An Sơn", await DashboardLeadAsync(admin, "VQ-AS-T1", "CC"));
        Assert.Equal("Chủ trì: Phòng Nội vụ", await DashboardLeadAsync(admin, "VQ-BP", "CC"));
        Assert.Equal("Chủ trì: Phòng Nội vụ", await DashboardLeadAsync(admin, "VQ", "CC"));
        // The other elements still inherit.
        Assert.Equal("Chủ trì: Văn phòng HĐND và UBND", await DashboardLeadAsync(admin, "VQ-AS", "TC"));

        // An official of the commune sees it too.
        var (viewer, _) = await AdminForms.OfficialAsync(_factory, "viewer", "VQ-AS");
        Assert.Equal("Chủ trì: Công chức văn phòng - thống kê xã An Sơn", await DashboardLeadAsync(viewer, "VQ-AS-T1", "CC"));

        // The child's admin page says what it inherits and from where; the unit's own page shows its value.
        Assert.Equal("Để trống: Công chức văn phòng - thống kê xã An Sơn (kế thừa từ Xã An Sơn (VQ-AS))", await InheritedAsync(admin, "VQ-AS-T1", "CC"));
        Assert.Contains("value=\"Công chức văn phòng - thống kê xã An Sơn\"", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/units/VQ-AS")));
        Assert.Equal("Để trống: Phòng Nội vụ (mặc định)", await InheritedAsync(admin, "VQ-AS", "CC"));

        var entry = Assert.Single(AdminForms.Audit(_factory, "unit-leads"), e => e.Target == "VQ-AS");
        Assert.Equal(SurveyAppFactory.AdminEmail, entry.Actor);
        Assert.Equal("CC inherit → 'Công chức văn phòng - thống kê xã An Sơn'", entry.Details);

        // Saving the same values again is no change: no second entry.
        AdminForms.AssertRedirectTo(await PostLeadsAsync(admin, "VQ-AS", Leads(cc: "Công chức văn phòng - thống kê xã An Sơn")), "/admin/units/VQ-AS");
        Assert.Single(AdminForms.Audit(_factory, "unit-leads"), e => e.Target == "VQ-AS");

        // Emptying the field inherits again and removes the row.
        AdminForms.AssertRedirectTo(await PostLeadsAsync(admin, "VQ-AS", Leads()), "/admin/units/VQ-AS");
        Assert.Equal("Chủ trì: Phòng Nội vụ", await DashboardLeadAsync(admin, "VQ-AS-T1", "CC"));
        Assert.False(_factory.WithDatabase(db => db.UnitElementLeads.Any(l => l.Unit.Code == "VQ-AS")));
        Assert.Contains(AdminForms.Audit(_factory, "unit-leads"), e => e.Target == "VQ-AS" && e.Details == "CC 'Công chức văn phòng - thống kê xã An Sơn' → inherit");
    }

    [Fact]
    public async Task A_stored_ancestor_setting_beats_the_configuration_and_the_units_own_setting_beats_both()
    {
        var admin = await AdminForms.AdminAsync(_factory);
        Assert.Equal("Chủ trì: Văn phòng xã Đồng Giáp (cấu hình)", await DashboardLeadAsync(admin, "VQ-DG", "TT"));
        Assert.Equal("Để trống: Văn phòng xã Đồng Giáp (cấu hình) (theo tệp cấu hình, mục của Xã Đồng Giáp (VQ-DG))", await InheritedAsync(admin, "VQ-DG", "TT"));

        // Set at the province: every unit below without its own stored value follows it.
        AdminForms.AssertRedirectTo(await PostLeadsAsync(admin, "LS", Leads(tt: "Sở Nội vụ tỉnh Lạng Sơn")), "/admin/units/LS");
        Assert.Equal("Chủ trì: Sở Nội vụ tỉnh Lạng Sơn", await DashboardLeadAsync(admin, "VQ-DG", "TT"));
        Assert.Equal("Chủ trì: Sở Nội vụ tỉnh Lạng Sơn", await DashboardLeadAsync(admin, "VQ-LN", "TT"));
        Assert.Equal("Để trống: Sở Nội vụ tỉnh Lạng Sơn (kế thừa từ Tỉnh Lạng Sơn (LS))", await InheritedAsync(admin, "VQ-DG", "TT"));

        // The nearest stored ancestor wins over a farther one.
        AdminForms.AssertRedirectTo(await PostLeadsAsync(admin, "VQ", Leads(tt: "Văn phòng HĐND và UBND huyện Văn Quan")), "/admin/units/VQ");
        Assert.Equal("Chủ trì: Văn phòng HĐND và UBND huyện Văn Quan", await DashboardLeadAsync(admin, "VQ-DG", "TT"));
        Assert.Equal("Chủ trì: Sở Nội vụ tỉnh Lạng Sơn", await DashboardLeadAsync(admin, "LS", "TT"));

        AdminForms.AssertRedirectTo(await PostLeadsAsync(admin, "VQ-DG", Leads(tt: "Công chức tư pháp - hộ tịch xã")), "/admin/units/VQ-DG");
        Assert.Equal("Chủ trì: Công chức tư pháp - hộ tịch xã", await DashboardLeadAsync(admin, "VQ-DG", "TT"));

        foreach (var unit in new[] { "VQ-DG", "VQ", "LS" })
            AdminForms.AssertRedirectTo(await PostLeadsAsync(admin, unit, Leads()), $"/admin/units/{unit}");
        Assert.Equal("Chủ trì: Văn phòng xã Đồng Giáp (cấu hình)", await DashboardLeadAsync(admin, "VQ-DG", "TT"));
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "leads[CC]", new string('x', 201), "Cơ quan chủ trì của yếu tố CC tối đa 200 ký tự." },
        { "leads[PA]", "Thanh tra\nhuyện", "Cơ quan chủ trì của yếu tố PA chỉ được là một dòng chữ." },
        { "leads[XX]", "Phòng lạ", "Không có yếu tố XX." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_answers_400_with_a_Vietnamese_message_and_changes_nothing(string field, string value, string message)
    {
        var admin = await AdminForms.AdminAsync(_factory);
        var before = (LeadRows(), AdminForms.Audit(_factory, "unit-leads").Count);
        // A valid field beside the bad one is not stored either.
        var response = await PostLeadsAsync(admin, "VQ-HB", [("leads[TC]", "Văn phòng xã Hòa Bình"), (field, value)]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await AdminForms.HtmlAsync(response);
        Assert.Contains(message, html);
        // The form keeps what was typed so it can be corrected.
        Assert.Contains("value=\"Văn phòng xã Hòa Bình\"", html);
        Assert.Equal(before, (LeadRows(), AdminForms.Audit(_factory, "unit-leads").Count));
        Assert.Equal("Chủ trì: Văn phòng HĐND và UBND", await DashboardLeadAsync(admin, "VQ-HB", "TC"));
    }

    [Fact]
    public async Task Unknown_units_answer_404()
    {
        var admin = await AdminForms.AdminAsync(_factory);
        var response = await AdminForms.PostAsync(admin, "/admin/units/VQ-AS", "/admin/units/KHONG-CO?handler=leads", Leads(tc: "X"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_lead_form_speaks_English_on_request()
    {
        var admin = await AdminForms.AdminAsync(_factory);
        var html = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/units/VQ-YP?culture=en"));
        Assert.Contains("Lead department per SIPAS element", html);
        Assert.Contains("Civil servants handling the matter (CC)", html); // the instrument's own English title of the element
        Assert.Contains("If empty: Phòng Nội vụ (default)", html);
        Assert.Contains("Save lead departments", html);
        Assert.DoesNotContain("Cơ quan chủ trì theo yếu tố SIPAS", html);

        var bad = await AdminForms.PostAsync(admin, "/admin/units/VQ-YP?culture=en", "/admin/units/VQ-YP?handler=leads&culture=en", Leads(kq: new string('x', 201)));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("The lead department of element KQ can have at most 200 characters.", await AdminForms.HtmlAsync(bad));
    }
}
