using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Surveys;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CchcSurvey.Web.Organisation;

/// <summary>
/// Moves statistics cells with a change of the tree, without rebuilding them from the responses. A cell aggregates a
/// unit's whole subtree, so when a unit U gets other ancestors its own responses leave the cells of the ancestors it
/// lost and join those of the ancestors it gained; nothing else changes. U's own responses are its cell minus its
/// (old) children's cells — for a commune simply its cell. So each affected ancestor A becomes
/// A + Σ own(U gained) − Σ own(U lost), per (version, period, channel, flag), and the work grows with the cells of
/// what moves, not with the database: each moving unit's cells are read and parsed once. Cells emptied this way are deleted (a rebuild would not have them); a count
/// that would turn negative means the cells were already wrong, and the whole change is refused.
/// <para>The caller holds the <see cref="CellWriteGate"/> from <see cref="PlanAsync"/> to the commit of <see cref="WriteAsync"/>.</para>
/// </summary>
public static class ReorganisationCells
{
    private sealed class Sum(InstrumentStatistics statistics)
    {
        public InstrumentStatistics Statistics { get; } = statistics;
        public long Responses;
    }

    private readonly record struct Key(int VersionId, CellPeriod Period, DateOnly Start, string Channel, bool Flagged);

    public sealed record Outcome(int Ancestors, long Inserted, long Updated, long Deleted)
    {
        public long Written => Inserted + Updated + Deleted;
    }

    /// <summary>What one ancestor's cells become: updates (with their revision checks), new cells and cells emptied.</summary>
    internal sealed record AncestorChange(int Ancestor, List<CellUpdate> Updates, List<StatisticsCell> Fresh, List<long> Gone);

    /// <summary>The cell changes of a reorganisation, computed by <see cref="PlanAsync"/> and written by <see cref="WriteAsync"/>.</summary>
    public sealed class Changes
    {
        internal List<AncestorChange> Ancestors { get; } = [];

        /// <summary>Set by <see cref="StageAsync"/>: the rows wait in the connection's TEMP tables.</summary>
        internal bool Staged { get; set; }
    }

    /// <summary>Computes and writes the cell changes in one go, in the caller's transaction.</summary>
    public static async Task<Outcome> MoveAsync(SurveyDbContext db, InstrumentRegistry registry,
        IReadOnlyDictionary<int, int?> before, IReadOnlyDictionary<int, int?> after, IProgress<(int Done, int Total)>? progress, CancellationToken ct) =>
        await WriteAsync(db, await PlanAsync(db, registry, before, after, progress, ct), id => id, ct);

    /// <summary>
    /// Computes every cell change by reading only, so that a job can do the long part before it opens its write
    /// transaction (on SQLite a write transaction holds the one write lock of the database, and submissions wait for
    /// it). The cells must not change until <see cref="WriteAsync"/>: the caller holds the <see cref="CellWriteGate"/>,
    /// and every update is checked against the revision read here.
    /// </summary>
    /// <param name="before">Every unit's parent before the change.</param>
    /// <param name="after">Every unit's parent after the change; units to be created have negative ids (resolved by <see cref="WriteAsync"/>).</param>
    /// <param name="progress">Ancestors done and their total.</param>
    public static async Task<Changes> PlanAsync(SurveyDbContext db, InstrumentRegistry registry,
        IReadOnlyDictionary<int, int?> before, IReadOnlyDictionary<int, int?> after, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        // Which units' own responses move, and between which ancestors.
        var moving = new Dictionary<int, List<(int Ancestor, int Sign)>>();
        var remaining = new Dictionary<int, int>();
        foreach (var (unit, _) in after)
        {
            if (!before.ContainsKey(unit)) continue; // created now: no responses yet
            var old = Ancestors(before, unit);
            var now = Ancestors(after, unit);
            if (old.SetEquals(now)) continue;
            var list = moving[unit] = [];
            foreach (var gained in now.Except(old)) list.Add((gained, +1));
            foreach (var lost in old.Except(now)) list.Add((lost, -1));
            foreach (var (ancestor, _) in list) remaining[ancestor] = remaining.GetValueOrDefault(ancestor) + 1;
        }
        var oldChildren = before.Where(p => p.Value is not null).ToLookup(p => p.Value!.Value, p => p.Key);
        var definitions = await DefinitionsAsync(db, registry, ct);

        // Each moving unit's own cells are read once and folded into every ancestor it leaves or joins; an ancestor's
        // changes are computed as soon as its last unit is folded in. Units are taken by old parent, then new parent, so
        // that a district's communes and a new commune's predecessors come together: only a few ancestors are open at once.
        // Reads are set-based: the cells of a batch of units (and of their old children) in one query, the stored cells
        // of the ancestors a batch closes in another, and their JSON is parsed on every core.
        var open = new Dictionary<int, (Dictionary<Key, Sum> Gain, Dictionary<Key, Sum> Loss)>();
        var changes = new Changes();
        var done = 0;
        progress?.Report((0, remaining.Count));
        var order = moving.Keys.OrderBy(u => before.GetValueOrDefault(u) ?? 0).ThenBy(u => after.GetValueOrDefault(u) ?? 0).ThenBy(u => u).ToList();
        foreach (var batch in order.Chunk(MovingPerBatch))
        {
            var owns = await OwnAsync(db, definitions, batch, oldChildren, ct);
            var closed = new List<(int Ancestor, Dictionary<Key, Sum> Gain, Dictionary<Key, Sum> Loss)>();
            foreach (var unit in batch)
            {
                foreach (var (ancestor, sign) in moving[unit])
                {
                    if (!open.TryGetValue(ancestor, out var sums)) open[ancestor] = sums = (new(), new());
                    foreach (var (key, part) in owns[unit]) Fold(sign > 0 ? sums.Gain : sums.Loss, key, part);
                    if (--remaining[ancestor] > 0) continue;
                    open.Remove(ancestor);
                    closed.Add((ancestor, sums.Gain, sums.Loss));
                }
            }
            var stored = await CellsOfAsync(db, closed.Select(c => c.Ancestor).Where(a => a >= 0).ToList(), ct);
            var computed = new AncestorChange[closed.Count];
            Parallel.For(0, closed.Count, Cores, i =>
                computed[i] = Change(definitions, closed[i].Ancestor, stored.GetValueOrDefault(closed[i].Ancestor) ?? [], closed[i].Gain, closed[i].Loss));
            changes.Ancestors.AddRange(computed);
            done += computed.Length;
            progress?.Report((done, remaining.Count));
        }
        return changes;
    }

    /// <summary>Units whose cells are read by one query; SQLite allows 32,766 parameters.</summary>
    private const int UnitsPerBatch = 500;

    /// <summary>Moving units whose own cells are parsed and held together (a commune has a few hundred cells).</summary>
    private const int MovingPerBatch = 100;

    private static readonly ParallelOptions Cores = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>The stored cells of these units (read without tracking), by unit; every unit has a list, maybe empty.</summary>
    private static async Task<Dictionary<int, List<StatisticsCell>>> CellsOfAsync(SurveyDbContext db, IReadOnlyCollection<int> units, CancellationToken ct)
    {
        var found = units.Distinct().ToDictionary(u => u, _ => new List<StatisticsCell>());
        foreach (var chunk in found.Keys.Chunk(UnitsPerBatch))
            foreach (var cell in await db.StatisticsCells.AsNoTracking().Where(c => chunk.Contains(c.UnitId)).ToListAsync(ct))
                found[cell.UnitId].Add(cell);
        return found;
    }

    /// <summary>Writes the changes in the caller's transaction; <paramref name="resolve"/> turns the planned ids of created units into their real ones.</summary>
    public static async Task<Outcome> WriteAsync(SurveyDbContext db, Changes changes, Func<int, int> resolve, CancellationToken ct)
    {
        if (changes.Staged) return await WriteStagedAsync(db, changes, resolve, ct);
        var totals = new Outcome(0, 0, 0, 0);
        foreach (var change in changes.Ancestors)
        {
            // A new revision on every touched cell: the response writer's cache then re-reads them (StaleCellException).
            if (await CellUpdates.ApplyAsync(db, change.Updates, ct) != change.Updates.Count)
                throw new InvalidOperationException($"Statistics cells of unit {change.Ancestor} changed during the reorganisation.");
            foreach (var cell in change.Fresh) cell.UnitId = resolve(cell.UnitId);
            foreach (var chunk in change.Fresh.Chunk(4096)) await CellRows.InsertAsync(db, chunk, ct);
            foreach (var chunk in change.Gone.Chunk(500)) await db.StatisticsCells.Where(c => chunk.Contains(c.Id)).ExecuteDeleteAsync(ct);
            totals = new Outcome(totals.Ancestors + 1, totals.Inserted + change.Fresh.Count, totals.Updated + change.Updates.Count, totals.Deleted + change.Gone.Count);
        }
        return totals;
    }

    private const string Columns = "\"UnitId\", \"InstrumentVersionId\", \"Period\", \"PeriodStart\", \"Channel\", \"Flagged\", " +
        "\"Responses\", \"OverallN\", \"OverallSatisfied\", \"Data\", \"Revision\"";

    /// <summary>
    /// SQLite only (elsewhere nothing happens): copies the planned rows into TEMP tables of the context's connection,
    /// which the caller keeps open until <see cref="WriteAsync"/>. Writing TEMP tables takes no lock on the database,
    /// so this runs before the write transaction, and the transaction itself is three set-based statements
    /// (DELETE … IN, UPDATE … FROM, INSERT … SELECT) instead of one statement per cell: SQLite has one write lock, and
    /// submissions committed meanwhile wait for it. The job stays one atomic transaction.
    /// </summary>
    public static async Task StageAsync(SurveyDbContext db, Changes changes, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection connection || connection.State != System.Data.ConnectionState.Open) return;
        await ExecuteAsync(connection, null,
            $"CREATE TEMP TABLE IF NOT EXISTS \"ReorgNewCells\" (\"UnitId\" INTEGER, \"InstrumentVersionId\" INTEGER, \"Period\" INTEGER, " +
            "\"PeriodStart\" TEXT, \"Channel\" TEXT, \"Flagged\" INTEGER, \"Responses\" INTEGER, \"OverallN\" INTEGER, \"OverallSatisfied\" INTEGER, " +
            "\"Data\" TEXT, \"Revision\" INTEGER); DELETE FROM temp.\"ReorgNewCells\"; " +
            "CREATE TEMP TABLE IF NOT EXISTS \"ReorgCellUpdates\" (\"Id\" INTEGER PRIMARY KEY, \"Revision\" INTEGER, \"Next\" INTEGER, \"Data\" TEXT, " +
            "\"Responses\" INTEGER, \"OverallN\" INTEGER, \"OverallSatisfied\" INTEGER); DELETE FROM temp.\"ReorgCellUpdates\"; " +
            "CREATE TEMP TABLE IF NOT EXISTS \"ReorgGoneCells\" (\"Id\" INTEGER PRIMARY KEY); DELETE FROM temp.\"ReorgGoneCells\";", ct);
        // Deferred: a transaction that writes only TEMP tables never asks for the database's write lock.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO temp.\"ReorgNewCells\" ({Columns}) VALUES ($unit, $version, $period, $start, $channel, $flagged, $responses, $n, $satisfied, $data, $revision)";
            var unit = insert.Parameters.Add("$unit", SqliteType.Integer);
            var version = insert.Parameters.Add("$version", SqliteType.Integer);
            var period = insert.Parameters.Add("$period", SqliteType.Integer);
            var start = insert.Parameters.Add("$start", SqliteType.Text);
            var channel = insert.Parameters.Add("$channel", SqliteType.Text);
            var flagged = insert.Parameters.Add("$flagged", SqliteType.Integer);
            var responses = insert.Parameters.Add("$responses", SqliteType.Integer);
            var n = insert.Parameters.Add("$n", SqliteType.Integer);
            var satisfied = insert.Parameters.Add("$satisfied", SqliteType.Integer);
            var data = insert.Parameters.Add("$data", SqliteType.Text);
            var revision = insert.Parameters.Add("$revision", SqliteType.Integer);
            insert.Prepare();
            // The representations EF Core's SQLite provider uses (see CellRows): period as integer, date as text, flag 0/1.
            foreach (var cell in changes.Ancestors.SelectMany(a => a.Fresh))
            {
                unit.Value = cell.UnitId;
                version.Value = cell.InstrumentVersionId;
                period.Value = (byte)cell.Period;
                start.Value = cell.PeriodStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                channel.Value = cell.Channel;
                flagged.Value = cell.Flagged ? 1 : 0;
                responses.Value = cell.Responses;
                n.Value = cell.OverallN;
                satisfied.Value = cell.OverallSatisfied;
                data.Value = cell.Data;
                revision.Value = cell.Revision;
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "INSERT INTO temp.\"ReorgCellUpdates\" VALUES ($id, $revision, $next, $data, $responses, $n, $satisfied)";
            var id = update.Parameters.Add("$id", SqliteType.Integer);
            var revision = update.Parameters.Add("$revision", SqliteType.Integer);
            var next = update.Parameters.Add("$next", SqliteType.Integer);
            var data = update.Parameters.Add("$data", SqliteType.Text);
            var responses = update.Parameters.Add("$responses", SqliteType.Integer);
            var n = update.Parameters.Add("$n", SqliteType.Integer);
            var satisfied = update.Parameters.Add("$satisfied", SqliteType.Integer);
            update.Prepare();
            foreach (var cell in changes.Ancestors.SelectMany(a => a.Updates))
            {
                id.Value = cell.Id;
                revision.Value = cell.Revision;
                next.Value = cell.NextRevision;
                data.Value = cell.Data;
                responses.Value = cell.Responses;
                n.Value = cell.OverallN;
                satisfied.Value = cell.OverallSatisfied;
                await update.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var gone = connection.CreateCommand())
        {
            gone.Transaction = transaction;
            gone.CommandText = "INSERT INTO temp.\"ReorgGoneCells\" VALUES ($id)";
            var id = gone.Parameters.Add("$id", SqliteType.Integer);
            gone.Prepare();
            foreach (var cell in changes.Ancestors.SelectMany(a => a.Gone))
            {
                id.Value = cell;
                await gone.ExecuteNonQueryAsync(ct);
            }
        }
        await transaction.CommitAsync(ct);
        changes.Staged = true;
    }

    /// <summary>The staged rows (<see cref="StageAsync"/>) written in the caller's transaction by three set-based statements.</summary>
    private static async Task<Outcome> WriteStagedAsync(SurveyDbContext db, Changes changes, Func<int, int> resolve, CancellationToken ct)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var transaction = (SqliteTransaction)(db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Cells are written inside the job's transaction."));
        foreach (var placeholder in changes.Ancestors.Select(a => a.Ancestor).Where(a => a < 0))
            await ExecuteAsync(connection, transaction,
                $"UPDATE temp.\"ReorgNewCells\" SET \"UnitId\" = {resolve(placeholder)} WHERE \"UnitId\" = {placeholder}", ct);
        var updates = changes.Ancestors.Sum(a => a.Updates.Count);
        var gone = changes.Ancestors.Sum(a => a.Gone.Count);
        var fresh = changes.Ancestors.Sum(a => a.Fresh.Count);
        // Emptied cells first, then the updates (each still at the revision read by the plan, or the job fails), then
        // the new cells: a new cell's key is never one of the stored cells of its ancestor.
        if (await ExecuteAsync(connection, transaction,
                "DELETE FROM \"StatisticsCells\" WHERE \"Id\" IN (SELECT \"Id\" FROM temp.\"ReorgGoneCells\")", ct) != gone
            || await ExecuteAsync(connection, transaction,
                "UPDATE \"StatisticsCells\" SET \"Data\" = v.\"Data\", \"Responses\" = v.\"Responses\", \"OverallN\" = v.\"OverallN\", " +
                "\"OverallSatisfied\" = v.\"OverallSatisfied\", \"Revision\" = v.\"Next\" FROM temp.\"ReorgCellUpdates\" AS v " +
                "WHERE \"StatisticsCells\".\"Id\" = v.\"Id\" AND \"StatisticsCells\".\"Revision\" = v.\"Revision\"", ct) != updates)
            throw new InvalidOperationException("Statistics cells changed during the reorganisation.");
        await ExecuteAsync(connection, transaction, $"INSERT INTO \"StatisticsCells\" ({Columns}) SELECT {Columns} FROM temp.\"ReorgNewCells\"", ct);
        return new Outcome(changes.Ancestors.Count, fresh, updates, gone);
    }

    /// <summary>Drops the TEMP tables of <see cref="StageAsync"/> (they would live as long as the pooled connection); after the transaction.</summary>
    public static async Task DropStagedAsync(SurveyDbContext db, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection { State: System.Data.ConnectionState.Open } connection) return;
        await ExecuteAsync(connection, null, "DROP TABLE IF EXISTS temp.\"ReorgNewCells\"; DROP TABLE IF EXISTS temp.\"ReorgCellUpdates\"; " +
            "DROP TABLE IF EXISTS temp.\"ReorgGoneCells\";", ct);
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One ancestor's cells: stored + gained − lost, per key; to be inserted, updated or deleted (when emptied).</summary>
    private static AncestorChange Change(IReadOnlyDictionary<int, InstrumentDefinition> definitions, int ancestor, List<StatisticsCell> stored,
        Dictionary<Key, Sum> gain, Dictionary<Key, Sum> loss)
    {
        var byKey = stored.ToDictionary(KeyOf);
        var updates = new List<CellUpdate>();
        var fresh = new List<StatisticsCell>();
        var gone = new List<long>();
        foreach (var key in gain.Keys.Union(loss.Keys))
        {
            var definition = Definition(definitions, key.VersionId);
            byKey.TryGetValue(key, out var cell);
            gain.TryGetValue(key, out var plus);
            loss.TryGetValue(key, out var minus);
            // A new cell made of gains only is the gains' own sum (built by Fold for this ancestor alone): no copy.
            var statistics = cell is null
                ? minus is null && plus is not null ? plus.Statistics : InstrumentStatistics.For(definition)
                : InstrumentStatistics.FromJson(cell.Data, definition);
            var responses = cell?.Responses ?? 0;
            if (plus is not null) { if (!ReferenceEquals(statistics, plus.Statistics)) statistics.Merge(plus.Statistics); responses += plus.Responses; }
            if (minus is not null) { statistics.Subtract(minus.Statistics); responses -= minus.Responses; }
            if (responses < 0 || statistics.Responses != responses || !statistics.IsNonNegative())
                throw new InvalidOperationException(
                    $"Statistics cells of unit {ancestor} do not add up ({key.Period} {key.Start:yyyy-MM-dd}); run 'stats rebuild' before reorganising.");
            var (overallN, overallSatisfied) = StatisticsLedger.Overall(statistics);
            if (cell is null)
            {
                if (responses == 0) continue;
                fresh.Add(new StatisticsCell
                {
                    UnitId = ancestor, InstrumentVersionId = key.VersionId, Period = key.Period, PeriodStart = key.Start,
                    Channel = key.Channel, Flagged = key.Flagged, Responses = responses, OverallN = overallN,
                    OverallSatisfied = overallSatisfied, Data = statistics.ToJson(), Revision = CellCache.NewRevision(),
                });
            }
            else if (responses == 0) gone.Add(cell.Id);
            else updates.Add(new CellUpdate(cell.Id, cell.Revision, CellCache.NewRevision(), statistics.ToJson(), responses, overallN, overallSatisfied));
        }
        return new AncestorChange(ancestor, updates, fresh, gone);
    }

    /// <summary>
    /// Each unit's own responses per cell key: its cells minus its children's (in the old tree). The cells of the whole
    /// batch and of the children are read in one query per 500 units and parsed in parallel.
    /// </summary>
    private static async Task<Dictionary<int, Dictionary<Key, Sum>>> OwnAsync(SurveyDbContext db, IReadOnlyDictionary<int, InstrumentDefinition> definitions,
        IReadOnlyList<int> units, ILookup<int, int> oldChildren, CancellationToken ct)
    {
        var children = units.ToDictionary(u => u, u => oldChildren[u].ToList());
        var cells = await CellsOfAsync(db, units.Concat(children.Values.SelectMany(c => c)).ToList(), ct);
        var all = cells.Values.SelectMany(c => c).ToList();
        var parsed = new InstrumentStatistics[all.Count];
        Parallel.For(0, all.Count, Cores, i => parsed[i] = InstrumentStatistics.FromJson(all[i].Data, Definition(definitions, all[i].InstrumentVersionId)));
        var statistics = new Dictionary<StatisticsCell, InstrumentStatistics>(all.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < all.Count; i++) statistics[all[i]] = parsed[i];

        var owns = new Dictionary<int, Dictionary<Key, Sum>>();
        foreach (var unit in units)
        {
            var own = owns[unit] = [];
            // A cell that loses its children's part is a copy: a child's cell may be another moving unit's own.
            foreach (var cell in cells[unit])
                own[KeyOf(cell)] = new Sum(children[unit].Count == 0 ? statistics[cell] : statistics[cell].Clone()) { Responses = cell.Responses };
            foreach (var cell in children[unit].SelectMany(c => cells[c]))
            {
                var key = KeyOf(cell);
                if (!own.TryGetValue(key, out var sum))
                    throw new InvalidOperationException($"Statistics cells of unit {unit} do not cover its sub-units; run 'stats rebuild' before reorganising.");
                sum.Statistics.Subtract(statistics[cell]);
                sum.Responses -= cell.Responses;
            }
            foreach (var (key, sum) in own.ToList())
                if (sum.Responses == 0) own.Remove(key);
        }
        return owns;
    }

    private static void Fold(Dictionary<Key, Sum> into, Key key, Sum part)
    {
        if (!into.TryGetValue(key, out var sum)) into[key] = sum = new Sum(InstrumentStatistics.For(part.Statistics.Definition));
        sum.Statistics.Merge(part.Statistics);
        sum.Responses += part.Responses;
    }

    private static Key KeyOf(StatisticsCell cell) => new(cell.InstrumentVersionId, cell.Period, cell.PeriodStart, cell.Channel, cell.Flagged);

    private static HashSet<int> Ancestors(IReadOnlyDictionary<int, int?> parents, int unit)
    {
        var found = new HashSet<int>();
        for (var p = parents.GetValueOrDefault(unit); p is int id && found.Add(id); p = parents.GetValueOrDefault(id)) { }
        return found;
    }

    /// <summary>Every instrument version's definition, read before the parallel parts (which must not use the context).</summary>
    private static async Task<Dictionary<int, InstrumentDefinition>> DefinitionsAsync(SurveyDbContext db, InstrumentRegistry registry, CancellationToken ct)
    {
        var definitions = new Dictionary<int, InstrumentDefinition>();
        foreach (var id in await db.InstrumentVersions.AsNoTracking().Select(v => v.Id).ToListAsync(ct))
            if (await registry.FindByIdAsync(db, id, ct) is { } version) definitions[id] = version.Definition;
        return definitions;
    }

    private static InstrumentDefinition Definition(IReadOnlyDictionary<int, InstrumentDefinition> definitions, int versionId) =>
        definitions.TryGetValue(versionId, out var known) ? known : throw new InvalidOperationException($"Unknown instrument version {versionId}.");
}
