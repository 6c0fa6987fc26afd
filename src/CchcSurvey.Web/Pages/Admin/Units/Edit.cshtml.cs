using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace CchcSurvey.Web.Pages.Admin.Units;

/// <summary>
/// One unit: rename (name and level name), move under another parent, merge into a successor, and the lead
/// department of each element of the default instrument (empty = inherit; <see cref="ElementLeads"/> resolves it).
/// </summary>
public sealed class EditModel(SurveyDbContext db, UnitAdministration units, AuditLog audit, IConfiguration configuration,
    IStringLocalizer<AdminResource> text, CchcSurvey.Web.Surveys.InstrumentRegistry registry) : PageModel
{
    /// <summary>The elements lead departments answer for: those of the default instrument (<see cref="CchcSurvey.Web.Surveys.InstrumentRegistry.DefaultAsync"/>).</summary>
    public IReadOnlyList<CchcSurvey.Core.Instruments.ElementDefinition> Elements { get; private set; } = [];

    private IEnumerable<string> ElementCodes => Elements.Select(e => e.Code);

    private async Task LoadElementsAsync(CancellationToken ct) =>
        Elements = (await registry.DefaultAsync(db, ct))?.Definition.Elements ?? [];

    public Unit Unit { get; private set; } = null!;
    public Unit? Parent { get; private set; }
    public Unit? Successor { get; private set; }
    public IReadOnlyList<UnitChoice> Targets { get; private set; } = [];
    public IReadOnlyList<Counter> Counters { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Message { get; private set; }

    /// <summary>The unit's own lead departments as shown in the fields (the posted ones after an error); "" = inherit.</summary>
    public Dictionary<string, string> Leads { get; private set; } = [];

    /// <summary>What each element gets when its field is empty, and from where.</summary>
    public IReadOnlyDictionary<string, Lead> InheritedLeads { get; private set; } = new Dictionary<string, Lead>();

    public async Task<IActionResult> OnGetAsync(string code, string? done, long? cells, CancellationToken ct)
    {
        if (!await LoadAsync(code, ct)) return NotFound();
        Message = done switch
        {
            "rename" => text["Đã đổi tên đơn vị."].Value,
            "move" => text["Đã chuyển đơn vị; số liệu của các đơn vị cấp trên đã được cập nhật ({0} ô thống kê).", cells ?? 0].Value,
            "merge" => text["Đã sáp nhập đơn vị; số liệu của các đơn vị cấp trên đã được cập nhật ({0} ô thống kê).", cells ?? 0].Value,
            "leads" => text["Đã lưu cơ quan chủ trì."].Value,
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

    /// <summary>
    /// Stores the lead departments (form fields <c>leads[{element code}]</c>): a text sets the unit's
    /// own, an empty field removes it so the unit inherits again. One audit entry lists what changed.
    /// </summary>
    public async Task<IActionResult> OnPostLeadsAsync(string code, Dictionary<string, string?>? leads, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null) return NotFound();
        var posted = (leads ?? []).ToDictionary(p => p.Key, p => p.Value?.Trim() ?? "", StringComparer.Ordinal);
        await LoadElementsAsync(ct);
        var error = CheckLeads(posted);
        if (error is not null)
        {
            await LoadAsync(code, ct);
            foreach (var element in ElementCodes) Leads[element] = posted.GetValueOrDefault(element) ?? "";
            Error = error;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var stored = await db.UnitElementLeads.Where(l => l.UnitId == unit.Id).ToListAsync(ct);
        var changes = new List<string>();
        foreach (var element in ElementCodes)
        {
            var wanted = posted.GetValueOrDefault(element) ?? "";
            var row = stored.FirstOrDefault(l => l.Element == element);
            if ((row?.Department ?? "") == wanted) continue;
            changes.Add($"{element} {Quote(row?.Department)} → {Quote(wanted)}");
            if (wanted.Length == 0) db.UnitElementLeads.Remove(row!);
            else if (row is null) db.UnitElementLeads.Add(new UnitElementLead { UnitId = unit.Id, Element = element, Department = wanted });
            else row.Department = wanted;
        }
        if (changes.Count > 0)
        {
            audit.Add(User, AuditActions.UnitLeads, code, string.Join("; ", changes));
            await db.SaveChangesAsync(ct);
        }
        return RedirectToPage(new { code, done = "leads" });

        static string Quote(string? value) => string.IsNullOrEmpty(value) ? "inherit" : $"'{value}'";
    }

    /// <summary>The first problem with the posted lead departments, in the page's language, or null.</summary>
    private string? CheckLeads(IReadOnlyDictionary<string, string> posted)
    {
        if (posted.Keys.FirstOrDefault(k => !ElementCodes.Contains(k)) is { } unknown)
            return text["Không có yếu tố {0}.", unknown];
        foreach (var element in ElementCodes)
        {
            var value = posted.GetValueOrDefault(element) ?? "";
            if (value.Length > ElementLeads.MaxLength) return text["Cơ quan chủ trì của yếu tố {0} tối đa {1} ký tự.", element, ElementLeads.MaxLength];
            // One line only: it is shown inside a table heading and quoted in the audit log.
            if (value.Any(char.IsControl)) return text["Cơ quan chủ trì của yếu tố {0} chỉ được là một dòng chữ.", element];
        }
        return null;
    }

    private string Actor => AuditLog.ActorOf(User);

    private async Task<IActionResult> ApplyAsync(string code, string action, Func<Task<UnitResult>> change, CancellationToken ct)
    {
        if (!await db.Units.AnyAsync(u => u.Code == code, ct)) return NotFound();
        var result = await change();
        if (result.Ok) return RedirectToPage(new { code, done = action, cells = result.CellsWritten });
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
        await LoadElementsAsync(ct);
        Parent = unit.ParentId is int p ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == p, ct) : null;
        Successor = unit.SuccessorId is int s ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == s, ct) : null;
        // Neither the unit itself nor anything below it can become its parent or successor.
        Targets = (await units.ChoicesAsync(activeOnly: true, ct)).Where(c => c.Code != unit.Code).ToList();
        var below = await db.Units.AsNoTracking().Where(UnitPath.Within<Unit>(u => u.Path, unit.Path)).Select(u => u.Code).ToListAsync(ct);
        Targets = Targets.Where(t => !below.Contains(t.Code)).ToList();
        Counters = await db.Counters.AsNoTracking().Where(c => c.UnitId == unit.Id).OrderBy(c => c.Code).ToListAsync(ct);
        var own = await db.UnitElementLeads.AsNoTracking().Where(l => l.UnitId == unit.Id).ToListAsync(ct);
        Leads = ElementCodes.ToDictionary(e => e, e => own.FirstOrDefault(l => l.Element == e)?.Department ?? "", StringComparer.Ordinal);
        var chain = await ElementLeads.UnitAndAncestorsAsync(db, unit, ct);
        InheritedLeads = await new ElementLeads(db, configuration).ResolveAsync(chain, ElementCodes.ToList(), inheritedOnly: true, ct);
        return true;
    }
}
