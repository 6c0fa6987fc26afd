using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Indices;

/// <summary>
/// Responses stored while a reorganisation job held the cells (<see cref="PendingCellResponse"/>), added to their
/// cells afterwards. The tree is read when they are added, not when they were stored: a response of a commune merged
/// by the job lands in the cells of its successor, exactly as a rebuild from the raw responses would put it. Called
/// with the <see cref="CellWriteGate"/> held (the response writer before a batch); a rebuild deletes the queue with
/// the cells it recomputes.
/// </summary>
public static class PendingCells
{
    private const int Chunk = 2000;

    /// <summary>Adds one chunk of pending responses to their cells in one transaction; returns how many (0: none left).</summary>
    public static async Task<int> DrainChunkAsync(SurveyDbContext db, StatisticsLedger ledger, InstrumentRegistry registry, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ids = await db.PendingCellResponses.AsNoTracking().OrderBy(p => p.SubmissionId).Select(p => p.SubmissionId).Take(Chunk).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        var responses = await db.Responses.AsNoTracking().Where(r => ids.Contains(r.SubmissionId)).ToListAsync(ct);
        var definitions = new Dictionary<int, InstrumentDefinition>();
        var entries = new List<LedgerEntry>(responses.Count);
        foreach (var response in responses)
        {
            if (!definitions.TryGetValue(response.InstrumentVersionId, out var definition))
                definitions[response.InstrumentVersionId] = definition = (await registry.FindByIdAsync(db, response.InstrumentVersionId, ct)
                    ?? throw new InvalidOperationException($"Unknown instrument version {response.InstrumentVersionId}.")).Definition;
            entries.Add(new LedgerEntry(response, AnswerCodec.Deserialize(response.AnswersJson, definition)));
        }
        await ledger.AddAsync(db, entries, ct);
        await db.SaveChangesAsync(ct);
        await db.PendingCellResponses.Where(p => ids.Contains(p.SubmissionId)).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return ids.Count;
    }
}
