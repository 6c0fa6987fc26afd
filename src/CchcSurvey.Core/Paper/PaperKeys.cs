using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Paper;

/// <summary>
/// Keyboard entry of a paper answer: the position of the marked box as printed (1 = first box), several digits
/// for a multi item ("13" = first and third), 0 or nothing for a blank item. Digits only, so a clerk types with
/// one hand on the number pad and Enter moves on. The result is a reference CSV cell, checked afterwards by
/// <see cref="AnswerValidator.ValidateCells"/> like every other answer.
/// </summary>
public static class PaperKeys
{
    /// <summary>The cell of a typed answer, or an error message (English, naming the item).</summary>
    public static (string Cell, string? Error) Parse(ItemDefinition item, string? typed, string language = "vi")
    {
        var text = (typed ?? "").Trim();
        if (item.Type == AnswerType.Text) return (text, null);
        if (text.Length == 0 || text == "0") return ("", null);
        if (!text.All(char.IsAsciiDigit)) return ("", $"{item.Code}: type the box number(s) as digits");
        var options = PaperLayout.Options(item, language, PaperLayout.Words.For(language));
        if (item.Type != AnswerType.Multi && text.Length > 1) return ("", $"{item.Code}: one box only (1–{options.Count})");
        var values = new List<string>();
        foreach (var digit in text.Distinct())
        {
            var position = digit - '0';
            if (position < 1 || position > options.Count) return ("", $"{item.Code}: box {digit} does not exist (1–{options.Count})");
            values.Add(options[position - 1].Value);
        }
        return (string.Join(' ', values), null);
    }

    /// <summary>The digits that stand for a cell (the inverse of <see cref="Parse"/>), for showing a first entry or a reading.</summary>
    public static string Digits(ItemDefinition item, string? cell, string language = "vi")
    {
        if (string.IsNullOrEmpty(cell) || item.Type == AnswerType.Text) return cell ?? "";
        var options = PaperLayout.Options(item, language, PaperLayout.Words.For(language));
        return string.Concat(cell.Split(' ').Select(v => options.Select((o, i) => (o.Value, i)).FirstOrDefault(o => o.Value == v).i + 1));
    }
}
