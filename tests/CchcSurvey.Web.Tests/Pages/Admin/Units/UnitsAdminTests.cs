using System.Net;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Pages.Admin;

/// <summary>
/// Units: create, rename, move, merge. Paths must follow the parent links, figures (statistics cells of whole
/// subtrees) must follow the tree at once, bad input changes nothing, and every change is audited.
/// </summary>
public sealed class UnitsAdminTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private Unit Unit(string code) => factory.WithDatabase(db => db.Units.AsNoTracking().Single(u => u.Code == code));

    [Fact]
    public async Task Create_under_a_parent_and_as_a_root_with_paths_and_audit()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var created = await AdminForms.PostAsync(admin, "/admin/units",
            ("Form.Parent", "VQ"), ("Form.Code", "VQ-MOI"), ("Form.Name", "Xã Mới Lập"), ("Form.Level", "Xã"));
        AdminForms.AssertRedirectTo(created, "/admin/units");

        var unit = Unit("VQ-MOI");
        Assert.Equal("Xã Mới Lập", unit.Name);
        Assert.Equal("Xã", unit.LevelName);
        Assert.Equal(Unit("VQ").Id, unit.ParentId);
        Assert.Equal($"{Unit("VQ").Path}{unit.Id}/", unit.Path);
        Assert.True(unit.IsActive);

        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(admin, "/admin/units", ("Form.Code", "ROOT-NEW"), ("Form.Name", "Tỉnh mới")), "/admin/units");
        Assert.Equal($"/{Unit("ROOT-NEW").Id}/", Unit("ROOT-NEW").Path);

        var entry = Assert.Single(AdminForms.Audit(factory, "unit-create"), e => e.Target == "VQ-MOI");
        Assert.Equal(SurveyAppFactory.AdminEmail, entry.Actor);
        Assert.Contains("VQ", entry.Details);
        Assert.Contains("Xã Mới Lập", await admin.GetStringAsync("/admin/units"));
    }

    [Theory]
    [InlineData("VQ-AS", "Xã Trùng Mã", "Mã đơn vị này đã có.")]
    [InlineData("có dấu cách", "Xã Sai Mã", "Mã đơn vị phải gồm")]
    [InlineData("VQ-EMPTY", "", "Tên đơn vị phải có từ 1 đến 200 ký tự.")]
    public async Task Bad_input_to_create_shows_a_message_and_stores_nothing(string code, string name, string message)
    {
        var admin = await AdminForms.AdminAsync(factory);
        var before = factory.WithDatabase(db => (db.Units.Count(), db.AuditEntries.Count(e => e.Action == "unit-create")));
        var response = await AdminForms.PostAsync(admin, "/admin/units", ("Form.Parent", "VQ"), ("Form.Code", code), ("Form.Name", name));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await AdminForms.HtmlAsync(response));
        Assert.Equal(before, factory.WithDatabase(db => (db.Units.Count(), db.AuditEntries.Count(e => e.Action == "unit-create"))));
    }

    [Fact]
    public async Task Rename_changes_name_and_level_and_is_audited()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var response = await AdminForms.PostAsync(admin, "/admin/units/VQ-DH", "/admin/units/VQ-DH?handler=rename", ("name", "Phường Điềm He"), ("level", "Phường"));
        AdminForms.AssertRedirectTo(response, "/admin/units/VQ-DH");
        Assert.Equal(("Phường Điềm He", "Phường"), (Unit("VQ-DH").Name, Unit("VQ-DH").LevelName));
        var entry = Assert.Single(AdminForms.Audit(factory, "unit-rename"), e => e.Target == "VQ-DH");
        Assert.Contains("Xã Điềm He", entry.Details);
        Assert.Contains("Phường Điềm He", entry.Details);

        var empty = await AdminForms.PostAsync(admin, "/admin/units/VQ-DH", "/admin/units/VQ-DH?handler=rename", ("name", " "), ("level", ""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("Phường Điềm He", Unit("VQ-DH").Name);
    }

    [Fact]
    public async Task Moving_a_unit_moves_its_paths_and_its_responses_to_the_new_ancestors()
    {
        var admin = await AdminForms.AdminAsync(factory);
        await AdminForms.SubmitAsync(factory, "VQ-HB-Q1", 5, 4, 2);
        var vqBefore = await AdminForms.ResponsesAsync(admin, "VQ");
        var lsBefore = await AdminForms.ResponsesAsync(admin, "LS");
        Assert.Equal(3, await AdminForms.ResponsesAsync(admin, "VQ-HB"));
        Assert.Equal(0, await AdminForms.ResponsesAsync(admin, "VQ-TT"));

        // Under the town: the town now counts them, the district still does.
        var moved = await AdminForms.PostAsync(admin, "/admin/units/VQ-HB", "/admin/units/VQ-HB?handler=move", ("parent", "VQ-TT"));
        AdminForms.AssertRedirectTo(moved, "/admin/units/VQ-HB");
        Assert.Equal($"{Unit("VQ-TT").Path}{Unit("VQ-HB").Id}/", Unit("VQ-HB").Path);
        Assert.Equal(3, await AdminForms.ResponsesAsync(admin, "VQ-TT"));
        Assert.Equal(vqBefore, await AdminForms.ResponsesAsync(admin, "VQ"));
        Assert.Contains("VQ-TT", Assert.Single(AdminForms.Audit(factory, "unit-move"), e => e.Target == "VQ-HB").Details);

        // To a new root: the province and district lose them, the new root has them.
        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(admin, "/admin/units", ("Form.Code", "MOVE-ROOT"), ("Form.Name", "Gốc mới")), "/admin/units");
        AdminForms.AssertRedirectTo(await AdminForms.PostAsync(admin, "/admin/units/VQ-HB", "/admin/units/VQ-HB?handler=move", ("parent", "MOVE-ROOT")), "/admin/units/VQ-HB");
        Assert.Equal($"/{Unit("MOVE-ROOT").Id}/{Unit("VQ-HB").Id}/", Unit("VQ-HB").Path);
        Assert.Equal(3, await AdminForms.ResponsesAsync(admin, "MOVE-ROOT"));
        Assert.Equal(0, await AdminForms.ResponsesAsync(admin, "VQ-TT"));
        Assert.Equal(vqBefore - 3, await AdminForms.ResponsesAsync(admin, "VQ"));
        Assert.Equal(lsBefore - 3, await AdminForms.ResponsesAsync(admin, "LS"));
        // A child of the moved unit's new parent has the figures the raw responses give.
        Assert.Equal(3, await AdminForms.ResponsesAsync(admin, "VQ-HB"));
    }

    [Fact]
    public async Task A_unit_cannot_move_under_itself_or_its_subtree()
    {
        var admin = await AdminForms.AdminAsync(factory);
        var pathBefore = Unit("LS").Path;
        var response = await AdminForms.PostAsync(admin, "/admin/units/LS", "/admin/units/LS?handler=move", ("parent", "VQ-LN"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Không thể chuyển đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.", await AdminForms.HtmlAsync(response));
        Assert.Null(Unit("LS").ParentId);
        Assert.Equal(pathBefore, Unit("LS").Path);
        Assert.DoesNotContain(AdminForms.Audit(factory, "unit-move"), e => e.Target == "LS");
    }

    [Fact]
    public async Task Merging_makes_the_unit_an_inactive_child_of_its_successor_and_its_history_rolls_up()
    {
        var admin = await AdminForms.AdminAsync(factory);
        await AdminForms.SubmitAsync(factory, "VQ-YP-Q1", 5, 1);
        await AdminForms.SubmitAsync(factory, "VQ-TL-Q1", 4);
        var vqBefore = await AdminForms.ResponsesAsync(admin, "VQ");
        Assert.Equal(1, await AdminForms.ResponsesAsync(admin, "VQ-TL"));

        var merged = await AdminForms.PostAsync(admin, "/admin/units/VQ-YP", "/admin/units/VQ-YP?handler=merge", ("successor", "VQ-TL"));
        AdminForms.AssertRedirectTo(merged, "/admin/units/VQ-YP");

        var unit = Unit("VQ-YP");
        var successor = Unit("VQ-TL");
        Assert.False(unit.IsActive);
        Assert.Equal(successor.Id, unit.SuccessorId);
        Assert.Equal(successor.Id, unit.ParentId);
        Assert.Equal($"{successor.Path}{unit.Id}/", unit.Path);
        // History pools into the successor; the district total is unchanged.
        Assert.Equal(3, await AdminForms.ResponsesAsync(admin, "VQ-TL"));
        Assert.Equal(vqBefore, await AdminForms.ResponsesAsync(admin, "VQ"));
        Assert.Equal(2, await AdminForms.ResponsesAsync(admin, "VQ-YP"));
        // The counter went to the successor: its QR code keeps working and new responses count there.
        Assert.Equal(successor.Id, factory.WithDatabase(db => db.Counters.Single(c => c.Code == "VQ-YP-Q1").UnitId));
        await AdminForms.SubmitAsync(factory, "VQ-YP-Q1", 3);
        Assert.Equal(4, await AdminForms.ResponsesAsync(admin, "VQ-TL"));
        Assert.Equal(2, await AdminForms.ResponsesAsync(admin, "VQ-YP"));

        var entry = Assert.Single(AdminForms.Audit(factory, "unit-merge"), e => e.Target == "VQ-YP");
        Assert.Contains("VQ-TL", entry.Details);
        Assert.Contains("VQ-YP-Q1", entry.Details);
        Assert.Contains("Đã sáp nhập vào VQ-TL", await AdminForms.HtmlAsync(await admin.GetAsync("/admin/units")));

        // A merged unit cannot be merged again, and nothing changes.
        var again = await AdminForms.PostAsync(admin, "/admin/units/VQ-YP", "/admin/units/VQ-YP?handler=merge", ("successor", "VQ-TX"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(successor.Id, Unit("VQ-YP").SuccessorId);
    }
}
