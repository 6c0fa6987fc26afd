using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Cli;

/// <summary>
/// Imports paper questionnaires in the reference <c>responses.csv</c> format: every row is checked
/// (answers, unit, counter, instrument) before anything is written, then all rows go in one transaction.
/// A row whose submission id is already stored with the same payload is skipped, so a re-run is harmless.
/// Statistics cells are updated in the same transaction, as for every other writer.
/// </summary>
public static class PaperImport
{
    public sealed record Outcome(int Created, int AlreadyPresent, IReadOnlyList<string> Errors);

    public static async Task<Outcome> ImportAsync(IServiceProvider services, string path, CancellationToken ct)
    {
        var db = services.GetRequiredService<SurveyDbContext>();
        var ledger = services.GetRequiredService<StatisticsLedger>();
        var registry = services.GetRequiredService<InstrumentRegistry>();
        var clock = services.GetRequiredService<LocalClock>();

        var current = (await registry.CurrentAsync(db, ct)).ToDictionary(i => i.Code, StringComparer.Ordinal);
        var read = PaperResponseCsv.Read(path, code => current.TryGetValue(code, out var i) ? i.Definition : null);
        if (!read.IsValid) return new Outcome(0, 0, read.Errors);

        var units = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Code, StringComparer.Ordinal, ct);
        var counters = await db.Counters.AsNoTracking().ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, ct);
        var ids = read.Rows.Select(r => r.SubmissionId).ToList();
        var stored = new Dictionary<Guid, string>();
        foreach (var chunk in ids.Chunk(500))
            foreach (var row in await db.Responses.AsNoTracking().Where(r => chunk.Contains(r.SubmissionId)).Select(r => new { r.SubmissionId, r.PayloadHash }).ToListAsync(ct))
                stored[row.SubmissionId] = row.PayloadHash;

        var errors = new List<string>();
        var toAdd = new List<LedgerEntry>();
        var seen = new HashSet<Guid>();
        var skipped = 0;
        foreach (var row in read.Rows)
        {
            var where = $"line {row.LineNumber}";
            if (!units.TryGetValue(row.Unit, out var unit)) { errors.Add($"{where}: unknown unit '{row.Unit}'"); continue; }
            Counter? counter = null;
            if (!string.IsNullOrEmpty(row.Counter))
            {
                if (!counters.TryGetValue(row.Counter, out counter)) { errors.Add($"{where}: unknown counter '{row.Counter}'"); continue; }
                if (counter.UnitId != unit.Id) { errors.Add($"{where}: counter '{row.Counter}' does not belong to unit '{row.Unit}'"); continue; }
            }
            if (!seen.Add(row.SubmissionId)) { errors.Add($"{where}: submission id {row.SubmissionId} appears twice in the file"); continue; }
            var instrument = current[row.Instrument];
            var answersJson = AnswerCodec.Serialize(row.Answers);
            var hash = SubmissionService.PayloadHash(counter?.Code ?? unit.Code, instrument.Code, instrument.Version, row.Channel, answersJson);
            if (stored.TryGetValue(row.SubmissionId, out var existing))
            {
                if (existing == hash) { skipped++; continue; }
                errors.Add($"{where}: submission id {row.SubmissionId} is already stored with different answers");
                continue;
            }
            var local = row.HourLocal;
            toAdd.Add(new LedgerEntry(new Response
            {
                SubmissionId = row.SubmissionId,
                UnitId = unit.Id,
                CounterId = counter?.Id,
                InstrumentVersionId = instrument.VersionId,
                Channel = row.Channel,
                SubmittedHourUtc = clock.ToUtc(new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0)),
                AnswersJson = answersJson,
                PayloadHash = hash,
            }, row.Answers));
        }
        if (errors.Count > 0) return new Outcome(0, 0, errors);
        // Before the cells are written: a flagged response goes into the flagged cells.
        await Integrity.IntegrityEvaluator.FlagImportedAsync(db, toAdd.Select(e => e.Response).ToList(), clock, ct);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var chunk in toAdd.Chunk(5000))
        {
            db.Responses.AddRange(chunk.Select(e => e.Response));
            await ledger.AddAsync(db, chunk, ct);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await transaction.CommitAsync(ct);
        return new Outcome(toAdd.Count, skipped, []);
    }
}
