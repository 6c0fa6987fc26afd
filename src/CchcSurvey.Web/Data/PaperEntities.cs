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
