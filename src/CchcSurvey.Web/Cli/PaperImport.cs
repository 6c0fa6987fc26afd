using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Cli;

/// <summary>
/// Imports paper questionnaires in the reference <c>responses.csv</c> format: every row is checked
/// (answers, unit, counter, instrument, a submission id stored before with other answers) before anything is
/// written, then the rows are stored by <see cref="SubmissionService.StoreBulkAsync"/>, the writer's one path with
/// its one idempotency rule: a row whose submission id is already stored with the same payload is stored once, so a
/// re-run — or the run that completes an interrupted one — adds only what is missing.
/// </summary>
public static class PaperImport
{
    public sealed record Outcome(int Created, int AlreadyPresent, IReadOnlyList<string> Errors);

    public static async Task<Outcome> ImportAsync(IServiceProvider services, string path, CancellationToken ct)
    {
        var db = services.GetRequiredService<SurveyDbContext>();
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
        var toStore = new List<BulkSubmission>();
        var seen = new HashSet<Guid>();
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
            // Checked here too, not only by the writer, so that a conflicting row refuses the whole file before anything is stored.
            var hash = SubmissionService.PayloadHash(counter?.Code ?? unit.Code, instrument.Code, instrument.Version, row.Channel, AnswerCodec.Serialize(row.Answers));
            if (stored.TryGetValue(row.SubmissionId, out var existing) && existing != hash)
            {
                errors.Add($"{where}: submission id {row.SubmissionId} is already stored with different answers");
                continue;
            }
            var local = row.HourLocal;
            toStore.Add(new BulkSubmission(row.SubmissionId, unit.Id, unit.Code, counter, instrument, row.Channel, row.Answers,
                clock.ToUtc(new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0))));
        }
        if (errors.Count > 0) return new Outcome(0, 0, errors);

        var outcome = await services.GetRequiredService<SubmissionService>().StoreBulkAsync(toStore, null, ct);
        // Only a concurrent writer storing one of these ids with other answers between the check and the write gets here.
        IReadOnlyList<string> conflicts = outcome.Conflicts == 0 ? []
            : [$"{outcome.Conflicts} row(s) were stored meanwhile with different answers by another writer and were not imported"];
        return new Outcome(outcome.Created, outcome.Replayed, conflicts);
    }
}
