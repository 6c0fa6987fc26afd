using System.Globalization;
using System.Security.Claims;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Plans;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Plans;

/// <summary>A platform figure beside a criterion: value with its 95 % interval (null below MinN), n, and its scale.</summary>
public sealed record PlanFigure(double? Value, double? Lo, double? Hi, long N, string Scale, DateOnly From, DateOnly To)
{
    public bool Suppressed => Value is null;
}

/// <summary>A task as one official sees it as of a date.</summary>
public sealed record TaskView(PlanTask Task, PlanCriterion Criterion, IReadOnlyList<Unit> Units, ProgressStatus? Status, TaskBucket Bucket,
    IReadOnlyList<PlanTaskProgress> History, bool CanReport);

/// <summary>A criterion as one official sees it, with the tasks they may see.</summary>
public sealed record CriterionView(PlanCriterion Criterion, IReadOnlyList<Unit> LeadUnits, IReadOnlyList<Unit> ImplementerUnits,
    PlanFigure? Now, PlanFigure? Previous, PlanFigure? AtStart, IReadOnlyList<TaskView> Tasks, IReadOnlyList<PlanCriterionValue> Values, bool CanRecordValue)
{
    /// <summary>The latest value reported for a period that began on or before the date asked about.</summary>
    public PlanCriterionValue? LatestValue(DateOnly asOf) =>
        Values.Where(v => PlanPeriods.StartOf(v.Period) is { } start && start <= asOf).OrderBy(v => PlanPeriods.StartOf(v.Period)).ThenBy(v => v.RecordedUtc).LastOrDefault();
}

/// <summary>
/// What one official sees of a plan as of a date. <see cref="Full"/>: the plan's own unit is in the official's scope
/// (the coordinator, the issuing office, administrators) and everything is shown. Otherwise the official sees the plan
/// because work is assigned to units of their scope: then only those criteria and tasks, only those units, and the
/// figures of their own scope instead of the plan unit's.
/// </summary>
public sealed record PlanView(Plan Plan, bool Full, DateOnly AsOf, Unit FigureUnit, IReadOnlyList<CriterionView> Criteria)
{
    public IEnumerable<TaskView> Tasks => Criteria.SelectMany(c => c.Tasks);

    public IReadOnlyDictionary<TaskBucket, int> Summary => Count(Tasks);

    public static IReadOnlyDictionary<TaskBucket, int> Count(IEnumerable<TaskView> tasks)
    {
        var counts = TaskBuckets.All.ToDictionary(b => b, _ => 0);
        foreach (var t in tasks) counts[t.Bucket]++;
        return counts;
    }
}

/// <summary>Periods of criterion values: a quarter "2023-Q3" or a year "2023".</summary>
public static class PlanPeriods
{
    public static DateOnly? StartOf(string period)
    {
        if (period.Length == 4 && int.TryParse(period, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100)
            return new DateOnly(year, 1, 1);
        if (Workspace.QuarterPeriod.TryParse(period, out var quarter)) return quarter.From;
        return null;
    }

    public static bool IsValid(string? period) => period is not null && StartOf(period) is not null;
}

/// <summary>The result of a change: an HTTP status, a Vietnamese message on failure, and the new row's id.</summary>
public sealed record PlanResult(int Status, string? Error = null, long? Id = null)
{
    public bool Ok => Error is null && Status is >= 200 and < 300;
    public static PlanResult NotFound => new(StatusCodes.Status404NotFound, "Không tìm thấy.");
    public static PlanResult Forbidden => new(StatusCodes.Status403Forbidden, "Chỉ cán bộ quản lý hoặc quản trị được cập nhật.");
    public static PlanResult Invalid(string error) => new(StatusCodes.Status400BadRequest, error);
}

/// <summary>
/// The one path for reading and changing improvement plans: visibility through <see cref="OfficialScope"/> (404
/// outside it), progress reports, criterion values, creating, importing and copying plans. Every change is audited.
/// </summary>
public sealed class PlanService(
    SurveyDbContext db, OfficialScope scope, IndexQueries queries, InstrumentRegistry registry, LocalClock clock,
    AuditLog audit, EvidenceStore evidence, TimeProvider time)
{
    public const int MaxNote = 4000;

    /// <summary>Days of citizens' answers a figure beside a criterion pools (a quarter).</summary>
    public const int FigureDays = 90;

    /// <summary>Plans the signed-in official may see, newest first.</summary>
    public async Task<IReadOnlyList<Plan>> VisiblePlansAsync(CancellationToken ct)
    {
        var visibleUnits = await VisibleUnitIdsAsync(ct);
        var query = db.Plans.AsNoTracking().Include(p => p.Unit).AsQueryable();
        if (visibleUnits is not null)
            query = query.Where(p => visibleUnits.Contains(p.UnitId)
                || p.Criteria.Any(c => c.Units.Any(u => visibleUnits.Contains(u.UnitId)) || c.Tasks.Any(t => t.Units.Any(u => visibleUnits.Contains(u.UnitId)))));
        return await query.OrderByDescending(p => p.Year).ThenBy(p => p.Code).ToListAsync(ct);
    }

    /// <summary>The plan as the official sees it as of <paramref name="asOf"/>, or null when they may not see it (404).</summary>
    public async Task<PlanView?> ViewAsync(string code, DateOnly asOf, bool withFigures, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().AsSplitQuery()
            .Include(p => p.Unit)
            .Include(p => p.Criteria).ThenInclude(c => c.Units).ThenInclude(u => u.Unit)
            .Include(p => p.Criteria).ThenInclude(c => c.Values)
            .Include(p => p.Criteria).ThenInclude(c => c.Tasks).ThenInclude(t => t.Units).ThenInclude(u => u.Unit)
            .Include(p => p.Criteria).ThenInclude(c => c.Tasks).ThenInclude(t => t.Progress).ThenInclude(p => p.Evidence)
            .FirstOrDefaultAsync(p => p.Code == code, ct);
        if (plan is null) return null;
        var root = await scope.RootAsync(ct);
        if (!scope.IsAdmin && root is null) return null;
        bool InScope(Unit unit) => scope.CanSee(unit);
        var full = scope.IsAdmin || InScope(plan.Unit);
        var canAct = Workspace.WorkspaceRoles.CanAct(scope.User);

        var criteria = new List<CriterionView>();
        foreach (var criterion in plan.Criteria.OrderBy(c => c.SortOrder).ThenBy(c => c.Code, StringComparer.Ordinal))
        {
            var tasks = new List<TaskView>();
            foreach (var task in criterion.Tasks.OrderBy(t => t.SortOrder).ThenBy(t => t.Code, StringComparer.Ordinal))
            {
                var units = task.Units.Select(u => u.Unit).ToList();
                var mine = units.Any(InScope);
                if (!full && !mine) continue;
                var history = task.Progress.OrderBy(p => p.Date).ThenBy(p => p.Id).ToList();
                var entries = history.Select(p => new ProgressEntry(p.Date, p.Status)).ToList();
                tasks.Add(new TaskView(task, criterion, full ? units : units.Where(InScope).ToList(),
                    TaskBuckets.StatusAsOf(entries, asOf)?.Status, TaskBuckets.Classify(task.Deadline, entries, asOf),
                    history.Where(h => h.Date <= asOf).ToList(), canAct && mine));
            }
            var leads = criterion.Units.Where(u => u.Role == PlanRole.Lead).Select(u => u.Unit).ToList();
            var implementers = criterion.Units.Where(u => u.Role == PlanRole.Implementer).Select(u => u.Unit).ToList();
            var criterionMine = leads.Any(InScope) || implementers.Any(InScope);
            if (!full && tasks.Count == 0 && !criterionMine) continue;
            criteria.Add(new CriterionView(criterion,
                full ? leads : leads.Where(InScope).ToList(), full ? implementers : implementers.Where(InScope).ToList(),
                null, null, null, tasks, criterion.Values.OrderBy(v => PlanPeriods.StartOf(v.Period)).ThenBy(v => v.RecordedUtc).ToList(),
                canAct && criterion.TargetValue is not null && (full || leads.Any(InScope))));
        }
        if (!full && criteria.Count == 0) return null;

        var figureUnit = full ? plan.Unit : root!;
        if (withFigures)
        {
            var cache = new Dictionary<(string, DateOnly), InstrumentReport?>();
            for (var i = 0; i < criteria.Count; i++)
            {
                var measure = criteria[i].Criterion.MeasuredBy;
                if (measure is null) continue;
                var end = Min(asOf, clock.Today());
                criteria[i] = criteria[i] with
                {
                    Now = await FigureAsync(figureUnit, measure, end, cache, ct),
                    Previous = await FigureAsync(figureUnit, measure, end.AddDays(-FigureDays), cache, ct),
                    AtStart = await FigureAsync(figureUnit, measure, plan.StartDate, cache, ct),
                };
            }
        }
        return new PlanView(plan, full, asOf, figureUnit, criteria);
    }

    /// <summary>A plan criterion aiming at a platform figure, with its visible tasks and how many are overdue today.</summary>
    public sealed record Aim(string Measure, string Plan, string Criterion, string Title, int Tasks, int Overdue, double? TargetValue = null, string? TargetUnit = null);

    /// <summary>
    /// Criteria of the visible plans measured by a platform figure (SIPAS element or index, PAPI-M dimension, NHANH
    /// share, TT01 indicator), for the dashboard: beside a figure, who is working on it and how many tasks are overdue.
    /// </summary>
    /// <remarks>
    /// The same criteria and task counts as <see cref="ViewAsync"/> gives plan by plan, read for every visible plan at
    /// once: the visible plans, then their measured criteria with units, tasks and progress in one statement (plans
    /// are small; one joined read beats 7 split reads per plan on every dashboard request, docs/performance.md).
    /// </remarks>
    public async Task<IReadOnlyList<Aim>> AimsAsync(CancellationToken ct)
    {
        var plans = await VisiblePlansAsync(ct);
        if (plans.Count == 0) return [];
        var root = await scope.RootAsync(ct);
        if (!scope.IsAdmin && root is null) return [];
        var ids = plans.Select(p => p.Id).ToList();
        var criteria = (await db.PlanCriteria.AsNoTracking().AsSingleQuery()
                .Where(c => ids.Contains(c.PlanId) && c.MeasuredBy != null)
                .Include(c => c.Units).ThenInclude(u => u.Unit)
                .Include(c => c.Tasks).ThenInclude(t => t.Units).ThenInclude(u => u.Unit)
                .Include(c => c.Tasks).ThenInclude(t => t.Progress)
                .ToListAsync(ct))
            .ToLookup(c => c.PlanId);
        var today = clock.Today();
        var aims = new List<Aim>();
        foreach (var plan in plans)
        {
            var full = scope.IsAdmin || scope.CanSee(plan.Unit);
            foreach (var criterion in criteria[plan.Id].OrderBy(c => c.SortOrder).ThenBy(c => c.Code, StringComparer.Ordinal))
            {
                var tasks = criterion.Tasks.Where(t => full || t.Units.Any(u => scope.CanSee(u.Unit))).ToList();
                var criterionMine = criterion.Units.Any(u => u.Role is PlanRole.Lead or PlanRole.Implementer && scope.CanSee(u.Unit));
                if (!full && tasks.Count == 0 && !criterionMine) continue;
                var overdue = tasks.Count(t => TaskBuckets.Classify(t.Deadline,
                    t.Progress.OrderBy(p => p.Date).ThenBy(p => p.Id).Select(p => new ProgressEntry(p.Date, p.Status)).ToList(), today) == TaskBucket.OpenOverdue);
                aims.Add(new Aim(criterion.MeasuredBy!, plan.Code, criterion.Code, criterion.Title, tasks.Count, overdue, criterion.TargetValue, criterion.TargetUnit));
            }
        }
        return aims;
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>The figure named by <paramref name="measure"/> over the <see cref="FigureDays"/> days ending on <paramref name="end"/>.</summary>
    private async Task<PlanFigure?> FigureAsync(Unit unit, string measure, DateOnly end, Dictionary<(string, DateOnly), InstrumentReport?> cache, CancellationToken ct)
    {
        var colon = measure.IndexOf(':');
        var instrument = measure[..colon];
        var key = measure[(colon + 1)..];
        var from = end.AddDays(1 - FigureDays);
        if (!cache.TryGetValue((instrument, end), out var report))
        {
            report = await registry.FindAsync(db, instrument, null, ct) is null
                ? null
                : IndexCalculator.Report(await queries.PoolAsync(unit, instrument, new IndexFilter(from, end, null), ct), queries.Options);
            cache[(instrument, end)] = report;
        }
        PlanFigure Share(ItemFigure f) => new(f.P, f.PLo, f.PHi, f.N, "%", from, end);
        PlanFigure Index(IndexFigure f) => new(f.Value, f.Lo, f.Hi, f.N, "%", from, end);
        return report switch
        {
            SipasServiceReport s when key == "index" => Index(s.Index),
            SipasServiceReport s when s.Elements.TryGetValue(key, out var e) => Share(e),
            SipasServiceReport s when s.Items.TryGetValue(key, out var item) => Share(item),
            SipasPolicyReport s when key == "index" => Index(s.Index),
            SipasPolicyReport s when s.Groups.TryGetValue(key, out var g) => Index(g),
            PapiReport p when p.Dimensions.TryGetValue(key, out var d) => new(d.Score, d.Lo, d.Hi, d.N, "điểm (1–10)", from, end),
            PapiReport p when key == "aggregate" => new(p.Aggregate.Score, null, null, p.Responses, "điểm (8–80)", from, end),
            Tt01Report t when key == "total" => new(t.Total.Mean, t.Total.Lo, t.Total.Hi, t.Total.N, "điểm (0–18)", from, end),
            Tt01Report t when t.Indicators.TryGetValue(key, out var c) => new(c.MeanPoints, null, null, c.N, "điểm (0–2)", from, end),
            QuickRatingReport q when key == "share" => Share(q.Overall),
            _ => null,
        };
    }

    /// <summary>Ids of the units in scope, or null for an administrator (everything).</summary>
    /// <remarks>
    /// A subquery, not a list: a list of a province's 3,300 unit ids became a JSON parameter that SQLite parsed again
    /// for every criterion and task unit the plan query tested (0.9 s of the root's dashboard at 1 M responses).
    /// </remarks>
    private async Task<IQueryable<int>?> VisibleUnitIdsAsync(CancellationToken ct)
    {
        await scope.RootAsync(ct);
        if (scope.IsAdmin) return null;
        return (await scope.VisibleUnitsAsync(ct)).Select(u => u.Id);
    }

    /// <summary>
    /// A progress report of a task: only managers and administrators whose scope holds one of the task's lead units
    /// (a viewer who could report otherwise: 403; anyone else: 404). Evidence files are checked before anything is
    /// stored; the report, its files and its audit entry are saved together.
    /// </summary>
    public async Task<PlanResult> ReportProgressAsync(ClaimsPrincipal user, string planCode, string taskCode, string? statusText, string? note,
        string? dateText, IReadOnlyList<EvidenceUpload> files, CancellationToken ct)
    {
        // A viewer is refused whatever the task (as every change of the workspace), so a 403 reveals nothing.
        if (!Workspace.WorkspaceRoles.CanAct(user)) return PlanResult.Forbidden;
        var task = await db.PlanTasks.Include(t => t.Units).ThenInclude(u => u.Unit).Include(t => t.Criterion).ThenInclude(c => c.Plan)
            .FirstOrDefaultAsync(t => t.Code == taskCode && t.Criterion.Plan.Code == planCode, ct);
        if (task is null) return PlanResult.NotFound;
        await scope.RootAsync(ct);
        if (!scope.IsAdmin && !task.Units.Any(u => scope.CanSee(u.Unit))) return PlanResult.NotFound;

        if (!TaskBuckets.TryParseStatus(statusText, out var status))
            return PlanResult.Invalid("Trạng thái (status) phải là \"in_progress\" (đang thực hiện) hoặc \"done\" (đã hoàn thành).");
        note = note?.Trim() ?? "";
        if (note.Length > MaxNote) return PlanResult.Invalid($"Ghi chú (note) tối đa {MaxNote:N0} ký tự.");
        var today = clock.Today();
        var date = today;
        if (!string.IsNullOrWhiteSpace(dateText) && !PlanImport.TryParseDate(dateText, out date))
            return PlanResult.Invalid($"Ngày (date) '{dateText}' không phải là ngày (yyyy-MM-dd).");
        if (date > today) return PlanResult.Invalid("Ngày báo cáo (date) không được sau hôm nay.");
        if (date < task.Criterion.Plan.StartDate.AddYears(-1)) return PlanResult.Invalid("Ngày báo cáo (date) quá xa trước khi kế hoạch bắt đầu.");
        var fileError = evidence.Check(files);
        if (fileError is not null) return PlanResult.Invalid(fileError);

        var actor = AuditLog.ActorOf(user);
        var progress = new PlanTaskProgress
        {
            TaskId = task.Id, Status = status, Note = note, Date = date, Author = actor, RecordedUtc = time.GetUtcNow().UtcDateTime,
        };
        var stored = new List<string>();
        try
        {
            foreach (var file in files)
            {
                var saved = await evidence.SaveAsync(file, ct);
                stored.Add(saved.StoredName);
                progress.Evidence.Add(saved);
            }
            db.PlanTaskProgress.Add(progress);
            audit.Add(actor, AuditActions.PlanProgress, $"{planCode}/{taskCode}",
                $"{TaskBuckets.StatusName(status)} {date:yyyy-MM-dd}; {files.Count} file(s); {note}");
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            foreach (var name in stored) evidence.Delete(name);
            throw;
        }
        return new PlanResult(StatusCodes.Status201Created, null, progress.Id);
    }

    /// <summary>The value of a criterion with a numeric target for a period; same rights as reporting its tasks, on the criterion's lead units.</summary>
    public async Task<PlanResult> RecordValueAsync(ClaimsPrincipal user, string planCode, string criterionCode, string? period, string? valueText, string? note, CancellationToken ct)
    {
        if (!Workspace.WorkspaceRoles.CanAct(user)) return PlanResult.Forbidden;
        var criterion = await db.PlanCriteria.Include(c => c.Plan).ThenInclude(p => p.Unit).Include(c => c.Units).ThenInclude(u => u.Unit)
            .FirstOrDefaultAsync(c => c.Code == criterionCode && c.Plan.Code == planCode, ct);
        if (criterion is null) return PlanResult.NotFound;
        await scope.RootAsync(ct);
        var allowed = scope.IsAdmin || scope.CanSee(criterion.Plan.Unit) || criterion.Units.Any(u => u.Role == PlanRole.Lead && scope.CanSee(u.Unit));
        if (!allowed) return PlanResult.NotFound;
        if (criterion.TargetValue is null) return PlanResult.Invalid("Tiêu chí này không có mục tiêu bằng số, nên không ghi giá trị theo kỳ.");
        period = period?.Trim() ?? "";
        if (!PlanPeriods.IsValid(period)) return PlanResult.Invalid($"Kỳ (period) '{period}' phải có dạng 2023-Q3 hoặc 2023.");
        if (!PlanImport.TryParseNumber(valueText, out var value)) return PlanResult.Invalid($"Giá trị (value) '{valueText}' không phải là số.");
        note = note?.Trim() ?? "";
        if (note.Length > 1000) return PlanResult.Invalid("Ghi chú tối đa 1.000 ký tự.");
        var actor = AuditLog.ActorOf(user);
        var row = new PlanCriterionValue { CriterionId = criterion.Id, Period = period, Value = value, Note = note, Author = actor, RecordedUtc = time.GetUtcNow().UtcDateTime };
        db.PlanCriterionValues.Add(row);
        audit.Add(actor, AuditActions.PlanValue, $"{planCode}/{criterionCode}",
            string.Create(CultureInfo.InvariantCulture, $"{period}: {value} {criterion.TargetUnit}"));
        await db.SaveChangesAsync(ct);
        return new PlanResult(StatusCodes.Status201Created, null, row.Id);
    }

    /// <summary>Active units of a unit's subtree: what a plan of that unit may name.</summary>
    public async Task<List<Unit>> CandidatesAsync(Unit planUnit, CancellationToken ct) =>
        await db.Units.AsNoTracking().Where(u => u.IsActive).Where(Indices.UnitPath.Within<Unit>(u => u.Path, planUnit.Path)).OrderBy(u => u.SortOrder).ThenBy(u => u.Code).ToListAsync(ct);

    /// <summary>
    /// Creates a plan from criteria and task files (nothing stored on any error). Administrators, or managers whose
    /// scope holds the plan's unit.
    /// </summary>
    public async Task<(PlanResult Result, IReadOnlyList<string> Errors)> ImportAsync(ClaimsPrincipal? user, string actor, PlanHeader header,
        TextReader criteriaFile, TextReader? tasksFile, CancellationToken ct)
    {
        var (unit, errors) = await CheckHeaderAsync(user, header, ct);
        if (unit is null || errors.Count > 0) return (errors.Count == 0 ? PlanResult.NotFound : PlanResult.Invalid(errors[0]), errors);
        var (criteria, tasks, readErrors) = PlanImport.Read(criteriaFile, tasksFile, header.Deadline, await CandidatesAsync(unit, ct),
            PlanImport.Measures((await registry.CurrentAsync(db, ct)).Select(i => i.Definition)));
        if (readErrors.Count > 0) return (PlanResult.Invalid(readErrors[0]), readErrors);
        var plan = NewPlan(header, unit, actor);
        var order = 0;
        foreach (var c in criteria)
        {
            var criterion = new PlanCriterion
            {
                Code = c.Code, Index = c.Index, Title = c.Title, LeadText = c.Lead, ImplementersText = c.Implementers, TargetText = c.TargetText,
                TargetValue = c.TargetValue, TargetUnit = c.TargetUnit, MeasuredBy = c.MeasuredBy, SortOrder = order++,
            };
            foreach (var id in c.LeadUnits) criterion.Units.Add(new PlanCriterionUnit { UnitId = id, Role = PlanRole.Lead });
            foreach (var id in c.ImplementerUnits.Except(c.LeadUnits)) criterion.Units.Add(new PlanCriterionUnit { UnitId = id, Role = PlanRole.Implementer });
            var taskOrder = 0;
            foreach (var t in tasks.Where(t => t.Criterion == c.Code))
            {
                var task = new PlanTask { Code = t.Code, Title = t.Title, LeadText = t.Lead, Deadline = t.Deadline, SortOrder = taskOrder++ };
                foreach (var id in t.Units) task.Units.Add(new PlanTaskUnit { UnitId = id });
                criterion.Tasks.Add(task);
            }
            plan.Criteria.Add(criterion);
        }
        db.Plans.Add(plan);
        audit.Add(actor, AuditActions.PlanCreate, plan.Code, $"{plan.Title} ({unit.Code}, {plan.Year}): {criteria.Count} criteria, {tasks.Count} tasks, imported");
        await db.SaveChangesAsync(ct);
        return (new PlanResult(StatusCodes.Status201Created, null, plan.Id), []);
    }

    /// <summary>Copies a visible plan's criteria and tasks into a new plan; task deadlines move by the difference of the years. No progress is copied.</summary>
    public async Task<(PlanResult Result, IReadOnlyList<string> Errors)> CopyAsync(ClaimsPrincipal user, string sourceCode, PlanHeader header, CancellationToken ct)
    {
        var source = await ViewAsync(sourceCode, clock.Today(), withFigures: false, ct);
        if (source is null || !source.Full) return (PlanResult.Invalid($"Không tìm thấy kế hoạch '{sourceCode}' để sao chép."), [$"Không tìm thấy kế hoạch '{sourceCode}' để sao chép."]);
        var (unit, errors) = await CheckHeaderAsync(user, header, ct);
        if (unit is null || errors.Count > 0) return (errors.Count == 0 ? PlanResult.NotFound : PlanResult.Invalid(errors[0]), errors);
        var years = header.Year - source.Plan.Year;
        var actor = AuditLog.ActorOf(user);
        var plan = NewPlan(header, unit, actor);
        foreach (var c in source.Criteria)
        {
            var k = c.Criterion;
            var criterion = new PlanCriterion
            {
                Code = k.Code, Index = k.Index, Title = k.Title, LeadText = k.LeadText, ImplementersText = k.ImplementersText, TargetText = k.TargetText,
                TargetValue = k.TargetValue, TargetUnit = k.TargetUnit, MeasuredBy = k.MeasuredBy, SortOrder = k.SortOrder,
            };
            foreach (var u in k.Units) criterion.Units.Add(new PlanCriterionUnit { UnitId = u.UnitId, Role = u.Role });
            foreach (var t in c.Tasks)
            {
                var task = new PlanTask { Code = t.Task.Code, Title = t.Task.Title, LeadText = t.Task.LeadText, Deadline = t.Task.Deadline.AddYears(years), SortOrder = t.Task.SortOrder };
                foreach (var u in t.Task.Units) task.Units.Add(new PlanTaskUnit { UnitId = u.UnitId });
                criterion.Tasks.Add(task);
            }
            plan.Criteria.Add(criterion);
        }
        db.Plans.Add(plan);
        audit.Add(actor, AuditActions.PlanCreate, plan.Code, $"{plan.Title} ({unit.Code}, {plan.Year}): copied from {sourceCode}");
        await db.SaveChangesAsync(ct);
        return (new PlanResult(StatusCodes.Status201Created, null, plan.Id), []);
    }

    private Plan NewPlan(PlanHeader header, Unit unit, string actor) => new()
    {
        Code = header.Code, Title = header.Title, UnitId = unit.Id, Year = header.Year, StartDate = header.Start, Deadline = header.Deadline,
        CreatedUtc = time.GetUtcNow().UtcDateTime, CreatedBy = actor,
    };

    private async Task<(Unit? Unit, List<string> Errors)> CheckHeaderAsync(ClaimsPrincipal? user, PlanHeader header, CancellationToken ct)
    {
        var errors = new List<string>();
        if (!UnitImport.IsValidCode(header.Code)) errors.Add($"Mã kế hoạch '{header.Code}' phải gồm 1–32 chữ cái, chữ số, '-' hoặc '_'.");
        else if (await db.Plans.AnyAsync(p => p.Code == header.Code, ct)) errors.Add($"Mã kế hoạch '{header.Code}' đã có.");
        if (header.Title.Length is 0 or > 500) errors.Add("Tên kế hoạch phải có từ 1 đến 500 ký tự.");
        if (header.Year is < 2000 or > 2100) errors.Add("Năm kế hoạch không hợp lệ.");
        if (header.Deadline < header.Start) errors.Add("Hạn hoàn thành phải sau ngày bắt đầu.");
        Unit? unit;
        if (user is null) unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == header.Unit, ct);
        else
        {
            unit = await scope.FindVisibleUnitAsync(header.Unit, ct);
            if (unit is not null && !Workspace.WorkspaceRoles.CanAct(user)) { errors.Add("Chỉ cán bộ quản lý hoặc quản trị được tạo kế hoạch."); return (unit, errors); }
        }
        if (unit is null) errors.Add($"Không có đơn vị '{header.Unit}' (hoặc đơn vị ngoài phạm vi của bạn).");
        return (unit, errors);
    }
}

/// <summary>The head of a new plan: code, title, issuing unit, year, start date and deadline.</summary>
public sealed record PlanHeader(string Code, string Title, string Unit, int Year, DateOnly Start, DateOnly Deadline);
