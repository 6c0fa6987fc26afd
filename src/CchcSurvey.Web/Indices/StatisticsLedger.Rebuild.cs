using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>Rebuild: every cell recomputed from the raw responses (<see cref="StatisticsLedger.RebuildAsync"/>).</summary>
public sealed partial class StatisticsLedger
{
    /// <summary>
    /// Recomputes every cell from the raw responses, one local month and one unit at a time (so memory stays bounded
    /// whatever the number of units, see below), and writes them with <see cref="CellRows"/> (bulk insert). Inside the caller's
    /// transaction (a unit move or merge) it is part of that transaction. On its own (<c>stats rebuild</c>), on
    /// PostgreSQL it is one transaction, so readers see the old cells until the new ones are complete, followed by
    /// VACUUM ANALYZE of the cells so that rankings can read the covering index alone at once; on SQLite it commits
    /// after each month, because a write transaction cannot be checkpointed and every page read searches the whole
    /// write-ahead log of an open transaction, so one transaction over millions of cells slows down as it grows
    /// (an interrupted rebuild leaves partial cells until it is run again). Run it with the site stopped: submissions
    /// stored during a rebuild in another process may be counted twice or not at all until the next rebuild.
    /// </summary>
    public async Task<long> RebuildAsync(SurveyDbContext db, IProgress<long>? progress, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
            return await RebuildInTransactionAsync(db, progress, () => Task.CompletedTask, ct);

        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync(ct);
        var own = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // A larger page cache for this connection while it reads every response (restored below: it is pooled).
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-65536", ct);
            var done = await RebuildInTransactionAsync(db, progress, async () =>
            {
                if (!sqlite) return;
                await own.CommitAsync(ct);
                await own.DisposeAsync();
                own = await db.Database.BeginTransactionAsync(ct);
            }, ct);
            await own.CommitAsync(ct);
            if (!sqlite)
            {
                var timeout = db.Database.GetCommandTimeout();
                db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
                await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) \"StatisticsCells\"", ct);
                db.Database.SetCommandTimeout(timeout);
            }
            return done;
        }
        finally
        {
            await own.DisposeAsync();
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-2000", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// One local month at a time, one unit at a time (a range read of the (UnitId, SubmittedHourUtc) index each):
    /// a unit without sub-units has all of its month's responses once its read is over, so its day and month cells
    /// are written and forgotten at once; only the cells of units with sub-units (a province, a district) are kept
    /// for the whole month. Memory is bounded by those and one unit's cells, whatever the number of communes.
    /// </summary>
    /// <param name="monthDone">Called after each month's cells are written (the standalone SQLite rebuild commits there).</param>
    private async Task<long> RebuildInTransactionAsync(SurveyDbContext db, IProgress<long>? progress, Func<Task> monthDone, CancellationToken ct)
    {
        await db.StatisticsCells.ExecuteDeleteAsync(ct);
        // Responses waiting to be added after a reorganisation (PendingCells) are counted by the rebuild itself.
        await db.PendingCellResponses.ExecuteDeleteAsync(ct);
        // Two index seeks on SubmittedHourUtc; null when there are no responses.
        var first = await db.Responses.MinAsync(r => (DateTime?)r.SubmittedHourUtc, ct);
        var last = await db.Responses.MaxAsync(r => (DateTime?)r.SubmittedHourUtc, ct);
        if (first is null || last is null) return 0;
        var units = await db.Units.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.Path }).ToListAsync(ct);
        var ancestry = units.ToDictionary(u => u.Id, u => UnitPath.Ids(u.Path));
        // Units that are an ancestor of another: their cells gather responses from many units.
        var gathering = ancestry.Values.SelectMany(path => path.Take(path.Length - 1)).ToHashSet();
        // Loaded before the responses are streamed: the context cannot run a second query while one is open.
        var definitions = new Dictionary<int, InstrumentDefinition>();
        foreach (var versionId in await db.InstrumentVersions.AsNoTracking().Select(v => v.Id).ToListAsync(ct))
            definitions[versionId] = await DefinitionAsync(db, versionId, ct);

        long done = 0;
        var lastMonth = MonthOf(LocalDay(last.Value));
        for (var month = MonthOf(LocalDay(first.Value)); month <= lastMonth; month = month.AddMonths(1))
        {
            var start = clock.StartOfDayUtc(month);
            var end = clock.StartOfDayUtc(month.AddMonths(1));
            var shared = new CellDeltas();
            foreach (var unit in units)
            {
                var unitId = unit.Id;
                var own = new CellDeltas();
                var responses = db.Responses.AsNoTracking()
                    .Where(r => r.UnitId == unitId && r.SubmittedHourUtc >= start && r.SubmittedHourUtc < end)
                    .Select(r => new Response
                    {
                        Id = r.Id, UnitId = r.UnitId, InstrumentVersionId = r.InstrumentVersionId, Channel = r.Channel,
                        SubmittedHourUtc = r.SubmittedHourUtc, Flags = r.Flags, AnswersJson = r.AnswersJson, PayloadHash = "",
                    })
                    .AsAsyncEnumerable();
                await foreach (var response in responses.WithCancellation(ct))
                {
                    var definition = definitions[response.InstrumentVersionId];
                    var answers = AnswerCodec.Deserialize(response.AnswersJson, definition);
                    var day = LocalDay(response.SubmittedHourUtc);
                    foreach (var cellUnit in ancestry[unitId])
                        (gathering.Contains(cellUnit) ? shared : own).AddToUnit(cellUnit, response, answers, definition, day);
                    if (++done % 10_000 == 0) progress?.Report(done);
                }
                await InsertAsync(db, own, ct);
            }
            await InsertAsync(db, shared, ct);
            progress?.Report(done);
            await monthDone();
        }
        return done;
    }

    private static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    private static async Task InsertAsync(SurveyDbContext db, CellDeltas deltas, CancellationToken ct)
    {
        // In chunks, so that only a chunk's JSON texts are alive at once.
        foreach (var chunk in deltas.Cells.Chunk(4096))
            await CellRows.InsertAsync(db, chunk.Select(c => NewCell(c.Key, c.Value)).ToList(), ct);
    }
}
