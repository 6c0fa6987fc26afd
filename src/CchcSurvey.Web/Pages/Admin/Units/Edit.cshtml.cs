using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Units;

/// <summary>One unit: rename (name and level name), move under another parent, merge into a successor.</summary>
public sealed class EditModel(SurveyDbContext db, UnitAdministration units, IStringLocalizer<AdminResource> text) : PageModel
{
    public Unit Unit { get; private set; } = null!;
    public Unit? Parent { get; private set; }
    public Unit? Successor { get; private set; }
    public IReadOnlyList<UnitChoice> Targets { get; private set; } = [];
    public IReadOnlyList<Counter> Counters { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, string? done, long? rebuilt, CancellationToken ct)
    {
        if (!await LoadAsync(code, ct)) return NotFound();
        Message = done switch
        {
            "rename" => text["Đã đổi tên đơn vị."].Value,
            "move" => text["Đã chuyển đơn vị; số liệu đã được tính lại từ {0} phiếu.", rebuilt ?? 0].Value,
            "merge" => text["Đã sáp nhập đơn vị; số liệu đã được tính lại từ {0} phiếu.", rebuilt ?? 0].Value,
            _ => null,
        };
        return Page();
    }

    public Task<IActionResult> OnPostRenameAsync(string code, string? name, string? level, CancellationToken ct) =>
        ApplyAsync(code, "rename", () => units.RenameAsync(Actor, code, name, level, ct), ct);

    public Task<IActionResult> OnPostMoveAsync(string code, string? parent, CancellationToken ct) =>
        ApplyAsync(code, "move", () => units.MoveAsync(Actor, code, parent, ct), ct);

    public Task<IActionResult> OnPostMergeAsync(string code, string? successor, CancellationToken ct) =>
        ApplyAsync(code, "merge", () => units.MergeAsync(Actor, code, successor, ct), ct);

    private string Actor => AuditLog.ActorOf(User);

    private async Task<IActionResult> ApplyAsync(string code, string action, Func<Task<UnitResult>> change, CancellationToken ct)
    {
        if (!await db.Units.AnyAsync(u => u.Code == code, ct)) return NotFound();
        var result = await change();
        if (result.Ok) return RedirectToPage(new { code, done = action, rebuilt = result.RebuiltResponses });
        await LoadAsync(code, ct);
        Error = text[result.Error!];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(string code, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null) return false;
        Unit = unit;
        Parent = unit.ParentId is int p ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == p, ct) : null;
        Successor = unit.SuccessorId is int s ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == s, ct) : null;
        // Neither the unit itself nor anything below it can become its parent or successor.
        Targets = (await units.ChoicesAsync(activeOnly: true, ct)).Where(c => c.Code != unit.Code).ToList();
        var below = await db.Units.AsNoTracking().Where(u => u.Path.StartsWith(unit.Path)).Select(u => u.Code).ToListAsync(ct);
        Targets = Targets.Where(t => !below.Contains(t.Code)).ToList();
        Counters = await db.Counters.AsNoTracking().Where(c => c.UnitId == unit.Id).OrderBy(c => c.Code).ToListAsync(ct);
        return true;
    }
}
