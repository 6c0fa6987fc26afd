using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Organisation;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Administration;

/// <summary>The outcome of a tree operation: an error message (Vietnamese resource key) or success; nothing is changed on error.</summary>
public sealed record UnitResult(string? Error, long? CellsWritten = null)
{
    public bool Ok => Error is null;
    public static readonly UnitResult Success = new((string?)null);
    public static UnitResult Fail(string error) => new(error);
}

/// <summary>
/// Changes to the organisation tree: create, rename, move, merge. Each checks everything first, then writes
/// the change, the recomputed paths and its audit entry in one transaction.
/// <para>
/// Statistics cells aggregate whole subtrees, so a move or a merge changes which ancestors count a unit's
/// responses. Both run through the reorganisation job's code as a one-row crosswalk
/// (<see cref="Reorganisation.ApplyOneAsync"/>): only the cells of the unit's old and new ancestors change (no
/// rebuild, so the time follows what moves, not the database), submissions are stored meanwhile and counted after,
/// and the tree, counters, plan references, cells and the one audit entry are written in one transaction: the figures
/// are right the moment the page answers, and a failure leaves the old tree and the old cells.
/// </para>
/// <para>
/// A merge makes the merged unit an inactive child of its successor with <see cref="Unit.SuccessorId"/> set:
/// its history (responses keep their unit) then pools into the successor's subtree, and its own children move
/// with it. Its counters are handed to the successor, so printed QR codes keep working and new responses
/// count for the successor directly.
/// </para>
/// </summary>
public sealed class UnitAdministration(SurveyDbContext db, AuditLog audit, Reorganisation reorganisation)
{
    public const int MaxName = 200;
    public const int MaxLevel = 50;

    public async Task<UnitResult> CreateAsync(string actor, string? parentCode, string? code, string? name, string? levelName, CancellationToken ct)
    {
        code = code?.Trim() ?? "";
        name = name?.Trim() ?? "";
        levelName = levelName?.Trim() ?? "";
        if (!UnitImport.IsValidCode(code)) return UnitResult.Fail("Mã đơn vị phải gồm 1–32 chữ cái, chữ số, '-' hoặc '_'.");
        if (name.Length is 0 or > MaxName) return UnitResult.Fail("Tên đơn vị phải có từ 1 đến 200 ký tự.");
        if (levelName.Length > MaxLevel) return UnitResult.Fail("Tên cấp tối đa 50 ký tự.");
        if (await db.Units.AnyAsync(u => u.Code == code, ct)) return UnitResult.Fail("Mã đơn vị này đã có.");
        Unit? parent = null;
        if (!string.IsNullOrWhiteSpace(parentCode))
        {
            parent = await db.Units.FirstOrDefaultAsync(u => u.Code == parentCode, ct);
            if (parent is null) return UnitResult.Fail("Không tìm thấy đơn vị cấp trên.");
            if (!parent.IsActive) return UnitResult.Fail("Đơn vị cấp trên đã ngừng hoạt động.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var unit = new Unit { Code = code, Name = name, LevelName = levelName, ParentId = parent?.Id, SortOrder = await db.Units.CountAsync(ct) };
        db.Units.Add(unit);
        await db.SaveChangesAsync(ct);
        unit.Path = UnitPath.Of(parent?.Path, unit.Id);
        audit.Add(actor, AuditActions.UnitCreate, code, $"{name} ({(levelName.Length > 0 ? levelName + ", " : "")}parent {parent?.Code ?? "-"})");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return UnitResult.Success;
    }

    public async Task<UnitResult> RenameAsync(string actor, string code, string? name, string? levelName, CancellationToken ct)
    {
        name = name?.Trim() ?? "";
        levelName = levelName?.Trim() ?? "";
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null) return UnitResult.Fail("Không tìm thấy đơn vị.");
        if (name.Length is 0 or > MaxName) return UnitResult.Fail("Tên đơn vị phải có từ 1 đến 200 ký tự.");
        if (levelName.Length > MaxLevel) return UnitResult.Fail("Tên cấp tối đa 50 ký tự.");
        if (unit.Name == name && unit.LevelName == levelName) return UnitResult.Success;
        audit.Add(actor, AuditActions.UnitRename, code, $"'{unit.Name}' ({unit.LevelName}) → '{name}' ({levelName})");
        unit.Name = name;
        unit.LevelName = levelName;
        await db.SaveChangesAsync(ct);
        return UnitResult.Success;
    }

    /// <summary>Moves a unit (with its subtree) under another parent, or to the top when <paramref name="parentCode"/> is empty.</summary>
    public async Task<UnitResult> MoveAsync(string actor, string code, string? parentCode, CancellationToken ct)
    {
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null) return UnitResult.Fail("Không tìm thấy đơn vị.");
        Unit? parent = null;
        if (!string.IsNullOrWhiteSpace(parentCode))
        {
            parent = await db.Units.FirstOrDefaultAsync(u => u.Code == parentCode, ct);
            if (parent is null) return UnitResult.Fail("Không tìm thấy đơn vị cấp trên.");
            if (parent.Id == unit.Id || UnitPath.IsWithin(parent.Path, unit.Path))
                return UnitResult.Fail("Không thể chuyển đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.");
            if (!parent.IsActive) return UnitResult.Fail("Đơn vị cấp trên đã ngừng hoạt động.");
        }
        if (unit.ParentId == parent?.Id) return UnitResult.Fail("Đơn vị đã ở dưới đơn vị cấp trên này.");
        var from = unit.ParentId is int p ? await db.Units.Where(u => u.Id == p).Select(u => u.Code).FirstAsync(ct) : "-";
        return Result(await reorganisation.ApplyOneAsync(actor, AuditActions.UnitMove, code, $"{code},{code},{parent?.Code},", toTop: parent is null,
            _ => $"parent {from} → {parent?.Code ?? "-"}", ct));
    }

    /// <summary>Merges a unit into its successor (see the class summary for what that means).</summary>
    public async Task<UnitResult> MergeAsync(string actor, string code, string? successorCode, CancellationToken ct)
    {
        var unit = await db.Units.FirstOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null) return UnitResult.Fail("Không tìm thấy đơn vị.");
        if (!unit.IsActive) return UnitResult.Fail("Đơn vị này đã ngừng hoạt động hoặc đã được sáp nhập.");
        if (string.IsNullOrWhiteSpace(successorCode)) return UnitResult.Fail("Hãy chọn đơn vị kế thừa.");
        var successor = await db.Units.FirstOrDefaultAsync(u => u.Code == successorCode, ct);
        if (successor is null) return UnitResult.Fail("Không tìm thấy đơn vị kế thừa.");
        if (successor.Id == unit.Id || UnitPath.IsWithin(successor.Path, unit.Path))
            return UnitResult.Fail("Không thể sáp nhập đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.");
        if (!successor.IsActive) return UnitResult.Fail("Đơn vị kế thừa đã ngừng hoạt động.");
        // The successor keeps its place, name and parent: the row only merges (plans, criteria and tasks follow, see PlanReferences).
        return Result(await reorganisation.ApplyOneAsync(actor, AuditActions.UnitMerge, code, $"{code},{successor.Code},,", toTop: false,
            plan => $"into {successor.Code}; counters handed over: {(plan.Counters.Count == 0 ? "-" : string.Join(' ', plan.Counters.Select(c => c.Counter)))}", ct));
    }

    /// <summary>The job's outcome as a page result; a planner error (English, rare: the checks above come first) is quoted.</summary>
    private static UnitResult Result((string? Error, long Cells) outcome) =>
        outcome.Error is null ? new UnitResult(null, outcome.Cells) : UnitResult.Fail($"Không thể thay đổi cây đơn vị: {outcome.Error}");

    /// <summary>Units as (code, "name (code)") choices, active ones only unless asked otherwise, in tree order.</summary>
    public async Task<IReadOnlyList<UnitChoice>> ChoicesAsync(bool activeOnly, CancellationToken ct)
    {
        var units = await db.Units.AsNoTracking().Where(u => !activeOnly || u.IsActive).ToListAsync(ct);
        return TreeOrder(units).Select(u => new UnitChoice(u.Code, u.Name, Depth(u))).ToList();
    }

    public static int Depth(Unit unit) => UnitPath.Depth(unit.Path);

    /// <summary>Depth-first order following the materialised paths, siblings by sort order then code.</summary>
    public static IReadOnlyList<Unit> TreeOrder(IReadOnlyList<Unit> units)
    {
        var ids = units.Select(u => u.Id).ToHashSet();
        var children = units.ToLookup(u => u.ParentId is int p && ids.Contains(p) ? p : (int?)null);
        var ordered = new List<Unit>(units.Count);
        var seen = new HashSet<int>();
        void Visit(int? parent)
        {
            foreach (var unit in children[parent].OrderBy(u => u.SortOrder).ThenBy(u => u.Code, StringComparer.Ordinal))
            {
                if (!seen.Add(unit.Id)) continue;
                ordered.Add(unit);
                Visit(unit.Id);
            }
        }
        Visit(null);
        return ordered;
    }
}

/// <summary>
/// A merged unit's places in improvement plans: plans it issued, criteria and tasks that name it. On a merge they
/// pass to the successor (a link the successor already has is dropped instead of doubled), so its tasks follow it
/// and its managers report them.
/// </summary>
internal sealed class PlanReferences
{
    private List<Plan> _plans = [];
    private List<PlanTaskUnit> _tasks = [];
    private List<PlanCriterionUnit> _criteria = [];
    private HashSet<int> _successorTasks = [];
    private HashSet<(int, PlanRole)> _successorCriteria = [];

    public static async Task<PlanReferences> LoadAsync(SurveyDbContext db, int unitId, int successorId, CancellationToken ct) => new()
    {
        _plans = await db.Plans.Where(p => p.UnitId == unitId).ToListAsync(ct),
        _tasks = await db.PlanTaskUnits.Where(l => l.UnitId == unitId).ToListAsync(ct),
        _criteria = await db.PlanCriterionUnits.Where(l => l.UnitId == unitId).ToListAsync(ct),
        _successorTasks = (await db.PlanTaskUnits.Where(l => l.UnitId == successorId).Select(l => l.TaskId).ToListAsync(ct)).ToHashSet(),
        _successorCriteria = (await db.PlanCriterionUnits.Where(l => l.UnitId == successorId).Select(l => new { l.CriterionId, l.Role }).ToListAsync(ct))
            .Select(l => (l.CriterionId, l.Role)).ToHashSet(),
    };

    /// <summary>Moves every reference to the successor (the key of a link changes, so it is removed and added anew); returns how many.</summary>
    public int HandOver(SurveyDbContext db, int successorId)
    {
        foreach (var plan in _plans) plan.UnitId = successorId;
        foreach (var link in _tasks)
        {
            db.PlanTaskUnits.Remove(link);
            if (_successorTasks.Add(link.TaskId)) db.PlanTaskUnits.Add(new PlanTaskUnit { TaskId = link.TaskId, UnitId = successorId });
        }
        foreach (var link in _criteria)
        {
            db.PlanCriterionUnits.Remove(link);
            if (_successorCriteria.Add((link.CriterionId, link.Role)))
                db.PlanCriterionUnits.Add(new PlanCriterionUnit { CriterionId = link.CriterionId, UnitId = successorId, Role = link.Role });
        }
        return _plans.Count + _tasks.Count + _criteria.Count;
    }
}

public sealed record UnitChoice(string Code, string Name, int Depth)
{
    public string Label => new string('\u00a0', Math.Min(Depth, 8) * 3) + $"{Name} ({Code})";
}
