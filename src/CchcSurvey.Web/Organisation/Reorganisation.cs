using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using CchcSurvey.Core.Organisation;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Organisation;

/// <summary>A crosswalk read and planned against the current tree: format errors, or the plan (which may hold errors).</summary>
public sealed record CrosswalkPreview(IReadOnlyList<string> Errors, ReorganisationPlan? Plan)
{
    public bool Ok => Errors.Count == 0 && Plan is { Ok: true };
    public IReadOnlyList<string> AllErrors => Errors.Concat(Plan?.Errors ?? []).ToList();
}

/// <summary>
/// Reorganising units with a crosswalk (CONTRACT "Reorganising units"): preview, queue, apply. The apply runs as a
/// job (<see cref="ReorganisationWorker"/>, or directly from the command line) holding the <see cref="CellWriteGate"/>:
/// first it plans again and computes every cell change by reading only (a tree changed since the preview is checked
/// again, and a crosswalk already applied finds nothing to do), then one short transaction writes the tree, the
/// counters, the confirmed scopes, the plan tasks, the statistics cells (<see cref="ReorganisationCells"/>), the job's
/// outcome and one audit entry, together or not at all. Submissions never wait for the job: the response writer
/// stores them at once and adds them to their cells after it (<see cref="PendingCells"/>).
/// </summary>
public sealed class Reorganisation(SurveyDbContext db, InstrumentRegistry registry, CellWriteGate gate, AuditLog audit,
    ReorganisationProgress progress, ResponseWriter writer, TimeProvider time, ILogger<Reorganisation> logger, CchcSurvey.Web.Infrastructure.LocalClock clock)
{
    public const int MaxFileBytes = 1_000_000;

    public static string Sha256(string csv) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(csv)));

    /// <summary>Reads the crosswalk and plans it against the tree as it is now.</summary>
    public async Task<CrosswalkPreview> PreviewAsync(string csv, CancellationToken ct)
    {
        var rows = Crosswalk.Parse(new StringReader(csv), out var errors);
        if (errors.Count > 0) return new CrosswalkPreview(errors, null);
        return new CrosswalkPreview([], await PlanAsync(rows, ct));
    }

    private async Task<ReorganisationPlan> PlanAsync(IReadOnlyList<CrosswalkRow> rows, CancellationToken ct)
    {
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name, u.ParentId, u.IsActive, u.SuccessorId, u.LevelName }).ToListAsync(ct);
        var codes = units.ToDictionary(u => u.Id, u => u.Code);
        var snapshots = units.Select(u => new UnitSnapshot(u.Code, u.Name, u.ParentId is int p ? codes[p] : null, u.IsActive,
            u.SuccessorId is int s ? codes[s] : null, u.LevelName)).ToList();
        var counters = await db.Counters.AsNoTracking().Select(c => new { c.Code, c.UnitId }).ToListAsync(ct);
        var officials = await db.Users.AsNoTracking().Where(o => o.ScopeUnitId != null)
            .Select(o => new { o.Id, o.Email, o.ScopeUnitId }).ToListAsync(ct);
        // Tasks led by a unit the crosswalk may merge away: the preview lists them, the apply hands them to the successor.
        var olds = rows.Select(r => r.Old).Distinct().ToList();
        var leads = (await db.PlanTaskUnits.AsNoTracking().Where(l => olds.Contains(l.Unit.Code))
                .Select(l => new { l.TaskId, l.Task.Code, l.Task.Title, Plan = l.Task.Criterion.Plan.Title, Unit = l.Unit.Code })
                .ToListAsync(ct))
            .OrderBy(l => l.Unit, StringComparer.Ordinal).ThenBy(l => l.Code, StringComparer.Ordinal)
            .Select(l => new LeadSnapshot(l.TaskId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{l.Code} {l.Title} ({l.Plan})", l.Unit))
            .ToList();
        return ReorganisationPlanner.Plan(snapshots,
            counters.Select(c => new CounterSnapshot(c.Code, codes[c.UnitId])).ToList(),
            officials.Select(o => new OfficialSnapshot(o.Id, o.Email ?? o.Id, codes[o.ScopeUnitId!.Value])).ToList(),
            rows, leads);
    }

    /// <summary>
    /// Stores the crosswalk as a queued job after checking it (nothing is queued on any error, and a flagged
    /// official whose scope would widen in place must be confirmed). Returns the job, or the errors.
    /// </summary>
    public async Task<(ReorganisationJob? Job, IReadOnlyList<string> Errors)> QueueAsync(string actor, string fileName, string csv,
        IReadOnlyCollection<string> confirmedScopes, CancellationToken ct, DateOnly? effectiveDate = null)
    {
        var preview = await PreviewAsync(csv, ct);
        if (!preview.Ok) return (null, preview.AllErrors);
        var unconfirmed = Unconfirmed(preview.Plan!, confirmedScopes);
        if (unconfirmed.Count > 0) return (null, unconfirmed);
        var job = new ReorganisationJob
        {
            CreatedUtc = time.GetUtcNow().UtcDateTime, Actor = actor, FileName = Path.GetFileName(fileName) is { Length: > 0 } name ? name[..Math.Min(name.Length, 200)] : "crosswalk.csv",
            Csv = csv, Sha256 = Sha256(csv), ConfirmedScopes = string.Join(' ', confirmedScopes.Distinct()),
            Status = ReorganisationStatus.Queued, EffectiveDate = effectiveDate,
        };
        db.ReorganisationJobs.Add(job);
        await db.SaveChangesAsync(ct);
        return (job, []);
    }

    /// <summary>
    /// Officials whose scope would widen although their unit stays (units merged into it): they cannot keep their
    /// old extent, so the administrator must confirm. Officials of a dissolved unit need no confirmation: unconfirmed
    /// they keep the inactive unit, i.e. its history and nothing more.
    /// </summary>
    private static List<string> Unconfirmed(ReorganisationPlan plan, IReadOnlyCollection<string> confirmed) =>
        plan.Scopes.Where(s => s.Flagged && s.From == s.To && !confirmed.Contains(s.OfficialId))
            .Select(s => $"official {s.Email}: the scope {s.From} would also cover {string.Join(' ', s.Gained)}; confirm it")
            .ToList();

    /// <summary>Runs a queued (or interrupted) job to its end. Never throws for a bad crosswalk: the job records it.</summary>
    public async Task<ReorganisationJob> RunAsync(int jobId, CancellationToken ct)
    {
        var job = await db.ReorganisationJobs.FirstAsync(j => j.Id == jobId, ct);
        if (job.Status is ReorganisationStatus.Done or ReorganisationStatus.Failed) return job;
        job.Status = ReorganisationStatus.Running;
        job.StartedUtc = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        progress.Set(jobId, "Đang chờ các lượt ghi đang diễn ra…");
        try
        {
            using (await gate.EnterAsync(ct))
            {
                // The long part only reads (the plan, every cell change); submissions meanwhile are stored without
                // their cells (ResponseWriter). Then one short write transaction applies everything.
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var prepared = await PrepareAsync(job, ct);
                var preparedIn = watch.Elapsed;
                if (progress.BeforeWriting is { } hold) await hold(jobId);
                watch.Restart();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var outcome = prepared.Error is null && !prepared.NoOp ? await ApplyAsync(job, prepared, ct) : prepared.Outcome;
                job.Status = outcome.Error is null ? ReorganisationStatus.Done : ReorganisationStatus.Failed;
                job.Outcome = Cut(outcome.Error ?? outcome.Summary);
                job.CellsWritten = outcome.Cells;
                job.FinishedUtc = time.GetUtcNow().UtcDateTime;
                if (outcome.Error is null && !outcome.NoOp)
                    audit.Add(job.Actor, AuditActions.UnitReorganise, job.FileName,
                        $"job {job.Id}, sha256 {job.Sha256[..16]}, file kept with the job; {outcome.Summary}");
                await db.SaveChangesAsync(ct);
                if (outcome.Error is null)
                {
                    await transaction.CommitAsync(ct);
                    // The write phase is what submissions may wait for on SQLite (its one write lock): logged for the benchmark.
                    logger.LogInformation("Reorganisation job {Job}: prepared (reading only) in {Prepare} ms, written in {Write} ms",
                        jobId, (long)preparedIn.TotalMilliseconds, (long)watch.Elapsed.TotalMilliseconds);
                }
                else
                {
                    await transaction.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                    await RecordFailureAsync(jobId, outcome.Error, ct);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Reorganisation job {Job} failed", jobId);
            db.ChangeTracker.Clear();
            await RecordFailureAsync(jobId, e.Message, CancellationToken.None);
        }
        finally
        {
            progress.Remove(jobId);
            // Responses stored during the job get their cells now, with the tree as the job left it.
            writer.RequestDrain();
        }
        db.ChangeTracker.Clear();
        return await db.ReorganisationJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, CancellationToken.None);
    }

    /// <summary>
    /// One unit moved or merged on <c>/admin/units</c>: the job's own code on a one-row crosswalk (<paramref name="row"/>,
    /// <c>old,new,new_parent,new_name</c>), run at once. Like a job it only reads while it computes the cell changes
    /// of the unit's old and new ancestors (no rebuild), holds the <see cref="CellWriteGate"/> so that submissions are
    /// stored meanwhile and added after it, and writes the tree, the counters, the plan references and the cells in one
    /// short transaction with one audit entry (<paramref name="action"/>, <paramref name="target"/>; the details get the
    /// job's summary). No job row is kept: the audit entry is the record. <paramref name="toTop"/> moves the unit to the
    /// top level, which a crosswalk row cannot express. Returns the error (English, from the planner) or the cells written.
    /// </summary>
    public async Task<(string? Error, long Cells)> ApplyOneAsync(string actor, string action, string target, string row, bool toTop,
        Func<ReorganisationPlan, string> details, CancellationToken ct)
    {
        var csv = "old,new,new_parent,new_name\n" + row + "\n";
        var job = new ReorganisationJob { Actor = actor, FileName = $"{action} {target}", Csv = csv, Sha256 = Sha256(csv) };
        void Single(ReorganisationPlan plan)
        {
            if (!toTop || !plan.FinalParents.TryGetValue(target, out var from) || from is null) return;
            plan.FinalParents[target] = null;
            plan.Moved.Add(new PlannedMove(target, from, null));
        }
        try
        {
            using (await gate.EnterAsync(ct))
            {
                var prepared = await PrepareAsync(job, ct, Single);
                if (prepared.Error is not null) return (prepared.Error, 0);
                if (prepared.NoOp) return (null, 0);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var outcome = await ApplyAsync(job, prepared, ct);
                audit.Add(actor, action, target, $"{details(prepared.Plan!)}; {outcome.Summary}");
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return (null, outcome.Cells);
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
            progress.Remove(job.Id);
            writer.RequestDrain();
        }
    }

    private async Task RecordFailureAsync(int jobId, string error, CancellationToken ct)
    {
        var failed = await db.ReorganisationJobs.FirstAsync(j => j.Id == jobId, ct);
        failed.Status = ReorganisationStatus.Failed;
        failed.Outcome = Cut(error);
        failed.FinishedUtc = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }

    private static string Cut(string text) => text.Length <= 4000 ? text : text[..3999] + "…";

    private sealed record ApplyOutcome(string? Error, string Summary, long Cells, bool NoOp);

    /// <summary>
    /// Everything the job will write, computed by reading only: the plan, the tree after it (units to be created have
    /// the negative ids of <see cref="Placeholders"/>) and the cell changes.
    /// </summary>
    private sealed record Prepared(ApplyOutcome Outcome, ReorganisationPlan? Plan, HashSet<string> Confirmed,
        Dictionary<string, int> Placeholders, Dictionary<int, int?> After, ReorganisationCells.Changes? Cells)
    {
        public string? Error => Outcome.Error;
        public bool NoOp => Outcome.NoOp;
    }

    /// <param name="single">For <see cref="ApplyOneAsync"/>: adjusts the plan (a move to the top level, which a crosswalk
    /// row cannot say), and confirms the scopes that widen in place, as a single merge always did.</param>
    private async Task<Prepared> PrepareAsync(ReorganisationJob job, CancellationToken ct, Action<ReorganisationPlan>? single = null)
    {
        Prepared Stop(ApplyOutcome outcome) => new(outcome, null, [], [], [], null);
        progress.Set(job.Id, "Đang kiểm tra lại bảng chuyển đổi…");
        var preview = await PreviewAsync(job.Csv, ct);
        if (!preview.Ok) return Stop(new ApplyOutcome(string.Join("\n", preview.AllErrors), "", 0, false));
        var plan = preview.Plan!;
        single?.Invoke(plan);
        if (plan.IsNoOp) return Stop(new ApplyOutcome(null, $"nothing to change: already applied ({plan.AlreadyDone} rows already done)", 0, true));
        var confirmed = job.ConfirmedScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (single is not null) confirmed.UnionWith(plan.Scopes.Where(s => s.From == s.To).Select(s => s.OfficialId));
        if (Unconfirmed(plan, confirmed) is { Count: > 0 } unconfirmed) return Stop(new ApplyOutcome(string.Join("\n", unconfirmed), "", 0, false));

        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.ParentId }).ToListAsync(ct);
        var ids = units.ToDictionary(u => u.Code, u => u.Id, StringComparer.Ordinal);
        var placeholders = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var created in plan.Created) ids[created.Code] = placeholders[created.Code] = -1 - placeholders.Count;
        var before = units.ToDictionary(u => u.Id, u => u.ParentId);
        var after = plan.FinalParents.ToDictionary(p => ids[p.Key], p => p.Value is null ? (int?)null : ids[p.Value]);
        progress.Set(job.Id, "Đang tính số liệu thống kê cần chuyển…");
        var cells = await ReorganisationCells.PlanAsync(db, registry, before, after,
            new Progress<(int Done, int Total)>(p => progress.Set(job.Id, $"Đang tính số liệu thống kê cần chuyển: {p.Done}/{p.Total} đơn vị cấp trên")), ct);
        return new Prepared(new ApplyOutcome(null, "", 0, false), plan, confirmed, placeholders, after, cells);
    }

    private async Task<ApplyOutcome> ApplyAsync(ReorganisationJob job, Prepared prepared, CancellationToken ct)
    {
        var plan = prepared.Plan!;
        var confirmed = prepared.Confirmed;
        progress.Set(job.Id, "Đang thay đổi cây đơn vị…");
        var units = await db.Units.ToDictionaryAsync(u => u.Code, ct);
        var sortOrder = units.Count;
        // When the units changed, for the "as the units were then" view (Indices/HistoricalUnits.cs).
        var effective = job.EffectiveDate ??= clock.Today();
        foreach (var created in plan.Created)
        {
            var unit = new Unit { Code = created.Code, Name = created.Name, LevelName = created.LevelName, SortOrder = sortOrder++, StartedOn = effective };
            db.Units.Add(unit);
            units[created.Code] = unit;
        }
        await db.SaveChangesAsync(ct);
        foreach (var (code, parent) in plan.FinalParents)
        {
            var unit = units[code];
            var parentId = parent is null ? (int?)null : units[parent].Id;
            if (unit.ParentId != parentId) unit.ParentId = parentId;
        }
        foreach (var rename in plan.Renamed) units[rename.Code].Name = rename.To;
        foreach (var merge in plan.Merged)
        {
            var old = units[merge.Old];
            old.IsActive = false;
            old.SuccessorId = units[merge.Into].Id;
            old.EndedOn = effective;
        }
        var counterCodes = plan.Counters.Select(c => c.Counter).ToList();
        var counters = await db.Counters.Where(c => counterCodes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, ct);
        foreach (var moved in plan.Counters) counters[moved.Counter].UnitId = units[moved.To].Id;
        var rescoped = 0;
        foreach (var scope in plan.Scopes.Where(s => !s.Flagged || confirmed.Contains(s.OfficialId)))
        {
            if (scope.From == scope.To) continue;
            var official = await db.Users.FirstAsync(o => o.Id == scope.OfficialId, ct);
            official.ScopeUnitId = units[scope.To].Id;
            rescoped++;
        }
        // Plans, criteria and tasks of a merged unit follow its successor, as a single merge does (same transaction);
        // saved merge by merge, so that two old units merged into one new unit do not both add the same link.
        await db.SaveChangesAsync(ct);
        foreach (var merge in plan.Merged)
        {
            var successorId = units[merge.Into].Id;
            var references = await Administration.PlanReferences.LoadAsync(db, units[merge.Old].Id, successorId, ct);
            if (references.HandOver(db, successorId) > 0) await db.SaveChangesAsync(ct);
        }
        await UnitTree.RebuildPathsAsync(db, ct);

        // The cell changes were computed for the tree planned before this transaction; the tree written must be it.
        var real = prepared.Placeholders.ToDictionary(p => p.Value, p => units[p.Key].Id);
        int Resolve(int id) => id < 0 ? real[id] : id;
        var planned = prepared.After.ToDictionary(p => Resolve(p.Key), p => p.Value is int parent ? Resolve(parent) : (int?)null);
        if (units.Values.Any(u => !planned.TryGetValue(u.Id, out var parent) || parent != u.ParentId))
            throw new InvalidOperationException("The units changed while the reorganisation was being prepared; run it again.");
        progress.Set(job.Id, "Đang ghi số liệu thống kê…");
        var cells = await ReorganisationCells.WriteAsync(db, prepared.Cells!, Resolve, ct);
        var kept = plan.Scopes.Count(s => s.Flagged && !confirmed.Contains(s.OfficialId));
        var summary = $"{plan.Created.Count} created, {plan.Merged.Count} merged, {plan.Renamed.Count} renamed, {plan.Moved.Count} moved, " +
            $"{plan.Counters.Count} counters handed over, {plan.Leads.Count} task leads handed over, {rescoped} officials re-scoped, {kept} kept their old scope; " +
            $"cells of {cells.Ancestors} ancestors: {cells.Inserted} inserted, {cells.Updated} updated, {cells.Deleted} deleted";
        return new ApplyOutcome(null, summary, cells.Written, false);
    }
}

/// <summary>Progress of running jobs, in memory: the job's transaction cannot write its own row until it commits.</summary>
public sealed class ReorganisationProgress
{
    private readonly ConcurrentDictionary<int, string> _running = new();

    public void Set(int job, string text) => _running[job] = text;

    /// <summary>
    /// Awaited by a job between computing its changes and writing them (null: not at all). A seam for tests, which hold
    /// a job there to show that submissions do not wait for it.
    /// </summary>
    internal Func<int, Task>? BeforeWriting { get; set; }
    public void Remove(int job) => _running.TryRemove(job, out _);
    public string? Of(int job) => _running.TryGetValue(job, out var text) ? text : null;
}

/// <summary>Runs queued reorganisation jobs one after the other, in the background; picks up unfinished ones at start.</summary>
public sealed class ReorganisationWorker(IServiceScopeFactory scopes, ILogger<ReorganisationWorker> logger) : BackgroundService
{
    private readonly Channel<int> _signals = Channel.CreateUnbounded<int>();

    /// <summary>Asks the worker to look for queued jobs.</summary>
    public void Wake() => _signals.Writer.TryWrite(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Wake();
        try
        {
            while (await _signals.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_signals.Reader.TryRead(out _)) { }
                await RunPendingAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task RunPendingAsync(CancellationToken ct)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            int? next;
            try
            {
                // A Running job at this point was interrupted: its transaction never committed, so it runs again.
                next = await db.ReorganisationJobs.AsNoTracking()
                    .Where(j => j.Status == ReorganisationStatus.Queued || j.Status == ReorganisationStatus.Running)
                    .OrderBy(j => j.Id).Select(j => (int?)j.Id).FirstOrDefaultAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not look for reorganisation jobs");
                return;
            }
            if (next is null) return;
            await scope.ServiceProvider.GetRequiredService<Reorganisation>().RunAsync(next.Value, ct);
        }
    }
}
