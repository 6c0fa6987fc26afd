using System.Globalization;
using CchcSurvey.Core.Instruments;
using CsvHelper;

namespace CchcSurvey.Core.Paper;

/// <summary>One validated row of a paper-response CSV. <see cref="LineNumber"/> is the 1-based line in the file (header = 1).</summary>
public sealed record PaperResponseRow(
    Guid SubmissionId,
    string Unit,
    string? Counter,
    string Instrument,
    string Channel,
    DateTime HourLocal,
    IReadOnlyDictionary<string, AnswerValue> Answers,
    int LineNumber);

/// <summary>All rows, or (when anything is wrong) no rows and every error, each prefixed "line N: ".</summary>
public sealed record PaperResponseReadResult(IReadOnlyList<PaperResponseRow> Rows, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads paper (or bulk-imported) responses in the reference format:
/// <c>submission_id,unit,counter,instrument,channel,hour,&lt;one column per item code…&gt;</c>.
/// All-or-nothing: a file with any error yields no rows, so a half-imported batch can never skew the figures.
/// </summary>
public static class PaperResponseCsv
{
    public static readonly IReadOnlyList<string> FixedColumns = ["submission_id", "unit", "counter", "instrument", "channel", "hour"];
    public static readonly IReadOnlySet<string> Channels = new HashSet<string>(StringComparer.Ordinal) { "qr", "kiosk", "paper", "web" };
    public const string HourFormat = "yyyy-MM-ddTHH:mm";

    public static PaperResponseReadResult Read(string path, Func<string, InstrumentDefinition?> findInstrument)
    {
        using var reader = new StreamReader(path);
        return Read(reader, findInstrument);
    }

    public static PaperResponseReadResult Read(TextReader reader, Func<string, InstrumentDefinition?> findInstrument)
    {
        // CsvHelper 34: header read on creation; LineNumber is the line where the current record starts.
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            Separator = ',',
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            SkipEmptyLines = true,
        };
        using var csv = CsvReader.Create(reader, options, true);
        var errors = new List<string>();
        var rows = new List<PaperResponseRow>();

        var header = csv.Headers?.ToArray() ?? [];
        if (header.Length == 0)
            return new PaperResponseReadResult([], ["line 1: the file is empty, expected a header row"]);
        foreach (var missing in FixedColumns.Where(c => !header.Contains(c)))
            errors.Add($"line 1: missing column {missing}");
        foreach (var duplicate in header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add($"line 1: column {duplicate.Key} appears twice");
        if (errors.Count > 0) return new PaperResponseReadResult([], errors);

        var columnIndex = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);
        var itemColumns = header.Where(h => !FixedColumns.Contains(h)).ToList();
        var seenIds = new Dictionary<Guid, int>();
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            var rowErrors = new List<string>();
            if (csv.FieldCount != header.Length)
            {
                errors.Add($"line {line}: expected {header.Length} fields, found {csv.FieldCount}");
                continue;
            }
            string Field(string name) => csv.GetString(columnIndex[name]) ?? "";

            var idText = Field("submission_id").Trim();
            if (!Guid.TryParseExact(idText, "D", out var id))
                rowErrors.Add($"submission_id: '{idText}' is not a UUID");
            else if (seenIds.TryGetValue(id, out var firstLine))
                rowErrors.Add($"submission_id: {id} already used on line {firstLine}");
            else
                seenIds[id] = line;

            var unit = Field("unit").Trim();
            if (unit.Length == 0) rowErrors.Add("unit: empty");
            var counter = Field("counter").Trim();

            var channel = Field("channel").Trim();
            if (!Channels.Contains(channel))
                rowErrors.Add($"channel: '{channel}' is not one of {string.Join("|", Channels.Order(StringComparer.Ordinal))}");

            var hourText = Field("hour").Trim();
            if (!DateTime.TryParseExact(hourText, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var hour))
                rowErrors.Add($"hour: '{hourText}' is not {HourFormat}");

            var instrumentCode = Field("instrument").Trim();
            var definition = instrumentCode.Length == 0 ? null : findInstrument(instrumentCode);
            IReadOnlyDictionary<string, AnswerValue> answers = new Dictionary<string, AnswerValue>();
            if (definition is null)
                rowErrors.Add($"instrument: unknown instrument '{instrumentCode}'");
            else
            {
                var cells = itemColumns.ToDictionary(c => c, Field, StringComparer.Ordinal);
                var validation = AnswerValidator.ValidateCells(definition, cells);
                rowErrors.AddRange(validation.Errors.Select(e => e.Message));
                answers = validation.Answers;
            }

            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors.Select(e => $"line {line}: {e}"));
                continue;
            }
            rows.Add(new PaperResponseRow(id, unit, counter.Length == 0 ? null : counter, definition!.Code, channel,
                DateTime.SpecifyKind(hour, DateTimeKind.Unspecified), answers, line));
        }
        return errors.Count > 0 ? new PaperResponseReadResult([], errors) : new PaperResponseReadResult(rows, []);
    }
}
