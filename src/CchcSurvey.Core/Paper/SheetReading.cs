using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Paper;

/// <summary>An item whose boxes the reader could not decide: a person looks at them.</summary>
public sealed record UncertainItem(string Item, int Page, string Reason);

/// <summary>
/// The answers of a whole sheet from its pages' marks: certain cells (the reference CSV cell format: a level, an
/// option code, or option codes separated by spaces for multi items), the items a person must decide, and the
/// validation errors of the certain cells against the instrument (the same <see cref="AnswerValidator"/> as the
/// API and the CSV import).
/// </summary>
public sealed record SheetReading(IReadOnlyDictionary<string, string> Cells, IReadOnlyList<UncertainItem> Uncertain, IReadOnlyList<string> Errors)
{
    public bool IsCertain => Uncertain.Count == 0 && Errors.Count == 0;

    /// <summary>Combines the marks of every page of the sheet (by page number).</summary>
    public static SheetReading Combine(InstrumentDefinition definition, IReadOnlyDictionary<int, IReadOnlyList<BoxMark>> marks)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        var uncertain = new List<UncertainItem>();
        foreach (var group in marks.SelectMany(p => p.Value.Select(m => (Page: p.Key, Mark: m))).GroupBy(m => m.Mark.Item))
        {
            var item = definition.FindItem(group.Key);
            if (item is null) continue;
            var page = group.First().Page;
            if (group.Any(m => m.Mark.State == MarkState.Uncertain))
            {
                uncertain.Add(new UncertainItem(item.Code, page, "unclear mark"));
                continue;
            }
            var filled = group.Where(m => m.Mark.State == MarkState.Filled).Select(m => m.Mark.Value).ToList();
            if (filled.Count == 0) continue;
            if (filled.Count > 1 && item.Type != AnswerType.Multi)
            {
                // Two boxes for one answer: a change of mind or a mistake; never guessed.
                uncertain.Add(new UncertainItem(item.Code, page, "several boxes marked"));
                continue;
            }
            cells[item.Code] = string.Join(' ', filled);
        }
        var errors = AnswerValidator.ValidateCells(definition, cells).Errors.Select(e => e.Message).ToList();
        return new SheetReading(cells, uncertain, errors);
    }
}
