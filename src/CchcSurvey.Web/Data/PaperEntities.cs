namespace CchcSurvey.Web.Data;

public enum PaperSheetStatus
{
    /// <summary>Printed, not yet scanned or typed.</summary>
    Printed = 0,
    /// <summary>Scanned; a person must decide some marks, or a page is missing.</summary>
    Review = 1,
    /// <summary>Being stored under <see cref="PaperSheet.PendingSubmissionId"/> (a crash here is finished on the next try).</summary>
    Storing = 2,
    /// <summary>Stored once; any later scan of it is a duplicate.</summary>
    Stored = 3,
}

/// <summary>
/// A printed questionnaire sheet: its serial (in the QR code of every page) bound to the counter it was printed for.
/// Once the sheet is stored nothing here points at its response: the serial could be matched to the person who
/// was handed the sheet, so the submission id is kept only while storing is under way, and the reading and page
/// images only while a person reviews them.
/// </summary>
public sealed class PaperSheet
{
    public int Id { get; set; }
    public required string Serial { get; set; }
    public int CounterId { get; set; }
    public Counter Counter { get; set; } = null!;
    public int InstrumentVersionId { get; set; }
    public InstrumentVersion InstrumentVersion { get; set; } = null!;
    /// <summary>The language printed ("vi", "en"): the layout depends on it.</summary>
    public string Language { get; set; } = "vi";
    public int Pages { get; set; }
    /// <summary>The local date it was printed (no finer: it says nothing about a visit).</summary>
    public DateOnly PrintedOn { get; set; }
    public PaperSheetStatus Status { get; set; }
    public Guid? PendingSubmissionId { get; set; }
    /// <summary>Certain cells read so far (JSON object item → cell), while the sheet waits for review or pages.</summary>
    public string? CellsJson { get; set; }
    /// <summary>Double entry: the first person's cells (JSON) and who typed them, until a second person agrees.</summary>
    public string? FirstEntryJson { get; set; }
    public string? FirstEntryBy { get; set; }
    public List<PaperPage> ScannedPages { get; set; } = [];
}

public enum PaperPageStatus
{
    /// <summary>Read; the sheet waits for its other pages or for review.</summary>
    Read = 0,
    /// <summary>No QR code or corner marks: a person looks at it.</summary>
    Unreadable = 1,
}

/// <summary>
/// A scanned page waiting for a person (its sheet is in review, or it could not be read). Deleted when its sheet is
/// stored or the reviewer discards it.
/// </summary>
public sealed class PaperPage
{
    public long Id { get; set; }
    public int? SheetId { get; set; }
    public PaperSheet? Sheet { get; set; }
    /// <summary>The unit of the official who uploaded it (unreadable pages have no sheet; this scopes them).</summary>
    public int? UnitId { get; set; }
    public int PageNumber { get; set; }
    public PaperPageStatus Status { get; set; }
    public string? Problem { get; set; }
    /// <summary>The reader's marks (JSON array of item, value, ink, state).</summary>
    public string? MarksJson { get; set; }
    /// <summary>Image positions of the four corner marks in <see cref="ImagePng"/> (JSON [[x,y]×4]), for crops.</summary>
    public string? CornersJson { get; set; }
    public required byte[] ImagePng { get; set; }
    public DateTime ScannedUtc { get; set; }
}

public enum PaperBatchStatus
{
    /// <summary>Stored on disk, waiting for the background reader.</summary>
    Queued = 0,
    /// <summary>Pages being read (<see cref="PaperBatch.PagesDone"/> of <see cref="PaperBatch.PagesTotal"/>).</summary>
    Reading = 1,
    /// <summary>Every page read; the sheets it touched are being judged and stored.</summary>
    Judging = 2,
    /// <summary>Finished; the uploaded file is deleted.</summary>
    Done = 3,
    /// <summary>The file could not be processed at all (see <see cref="PaperBatch.Problem"/>).</summary>
    Failed = 4,
}

/// <summary>
/// An uploaded scan read in the background. Progress is saved with each page in the same transaction as the
/// page's reading, so a restart resumes after the last page saved and reads nothing twice; sheets are stored only
/// after all pages are in (and a sheet's own status makes that idempotent). The file lives outside the web root
/// until the batch is done. No submission id is kept here: nothing may link a serial to its response.
/// </summary>
public sealed class PaperBatch
{
    public Guid Id { get; set; }
    /// <summary>The name the uploader's file had (for the progress page; never used as a path).</summary>
    public required string FileName { get; set; }
    /// <summary>The random file name in the batch folder.</summary>
    public required string StoredFile { get; set; }
    /// <summary>The uploader (audit actor form), who the pages are read for.</summary>
    public required string UploadedBy { get; set; }
    /// <summary>The uploader's scope root (null: an administrator): which serials the batch may store.</summary>
    public int? ScopeUnitId { get; set; }
    public PaperBatchStatus Status { get; set; }
    public int PagesTotal { get; set; }
    public int PagesDone { get; set; }
    public int SheetsStored { get; set; }
    public int SheetsReview { get; set; }
    public int PagesDuplicate { get; set; }
    public int PagesUnreadable { get; set; }
    /// <summary>Per page: number, serial, status, reason (JSON array), as <c>POST /api/v1/paper/scans</c> answers.</summary>
    public string ResultsJson { get; set; } = "[]";
    /// <summary>Serials whose pages arrived in this batch and that are not judged yet (JSON array).</summary>
    public string PendingSerialsJson { get; set; } = "[]";
    public string? Problem { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
}
