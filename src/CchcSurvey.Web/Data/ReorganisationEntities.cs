namespace CchcSurvey.Web.Data;

public enum ReorganisationStatus
{
    Queued = 0,
    Running = 1,
    Done = 2,
    Failed = 3,
}

/// <summary>
/// One uploaded crosswalk and its apply job (<c>/admin/units/reorganise</c>, <c>units reorganise</c>): the whole file,
/// who asked, which flagged officials' new scopes the administrator confirmed, and how the job went. The audit entry of
/// the reorganisation names this row, which keeps the file.
/// </summary>
public sealed class ReorganisationJob
{
    public int Id { get; set; }
    public DateTime CreatedUtc { get; set; }
    public required string Actor { get; set; }
    public required string FileName { get; set; }

    /// <summary>The crosswalk file as uploaded (UTF-8 text).</summary>
    public required string Csv { get; set; }

    /// <summary>SHA-256 of <see cref="Csv"/> (hex), to recognise the same file.</summary>
    public required string Sha256 { get; set; }

    /// <summary>Official ids whose wider scope the administrator confirmed, space-separated.</summary>
    public string ConfirmedScopes { get; set; } = "";

    public ReorganisationStatus Status { get; set; }
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }

    /// <summary>What the job did (counts), or why it failed.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>Statistics cells written by the job (created, updated, deleted).</summary>
    public long CellsWritten { get; set; }

    /// <summary>
    /// The day the new organisation takes effect (e.g. 2025-07-01), given with the crosswalk; null: the local day the job
    /// is applied. Units created get it as <see cref="Unit.StartedOn"/>, units merged away as <see cref="Unit.EndedOn"/>.
    /// </summary>
    public DateOnly? EffectiveDate { get; set; }
}

/// <summary>
/// A response stored while a reorganisation job held the statistics cells: it is acknowledged and durable at once, and
/// its cells are added after the job (<see cref="Indices.PendingCells"/>), with the tree as the job left it. Written in
/// the response's own transaction and deleted in the one that adds its cells, so a crash in between loses nothing and
/// counts nothing twice. Holds nothing but the submission id the response row already has.
/// </summary>
public sealed class PendingCellResponse
{
    public Guid SubmissionId { get; set; }
}
