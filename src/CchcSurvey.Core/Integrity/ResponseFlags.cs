using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Integrity;

/// <summary>
/// Why a response looks suspect (docs/methodology.md §6). A bit set stored with the response: flagged
/// responses are kept, never deleted, and figures can be read with or without them.
/// </summary>
[Flags]
public enum ResponseFlags
{
    None = 0,
    /// <summary>More responses from one counter within one hour than a counter can serve.</summary>
    Burst = 1,
    /// <summary>The same device (hashed cookie) answered at the same counter within 24 hours.</summary>
    RepeatDevice = 2,
    /// <summary>Every rating at the top level, sent faster than a person can read the questions.</summary>
    TooFast = 4,
    /// <summary>Sent in an hour when the counter is closed.</summary>
    OutsideHours = 8,
    /// <summary>The unit has more responses this month than dossiers received.</summary>
    MoreThanDossiers = 16,
}

/// <summary>One flag's reason, in Vietnamese and English, as officials read it.</summary>
public sealed record FlagReason(ResponseFlags Flag, string Vi, string En)
{
    public string For(string culture) => culture.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En : Vi;
}

public static class ResponseFlagReasons
{
    public static readonly IReadOnlyList<FlagReason> All =
    [
        new(ResponseFlags.Burst, "Quá nhiều phiếu từ một quầy trong cùng một giờ", "Too many responses from one counter within one hour"),
        new(ResponseFlags.RepeatDevice, "Cùng một thiết bị đánh giá lại tại cùng quầy trong 24 giờ", "Same device answered again at the same counter within 24 hours"),
        new(ResponseFlags.TooFast, "Mọi câu đều ở mức cao nhất và gửi quá nhanh để kịp đọc", "All answers at the top level, sent faster than one can read"),
        new(ResponseFlags.OutsideHours, "Gửi ngoài giờ làm việc của quầy", "Sent outside the counter's opening hours"),
        new(ResponseFlags.MoreThanDossiers, "Số phiếu của đơn vị trong tháng vượt số hồ sơ tiếp nhận", "More responses from the unit this month than dossiers received"),
    ];

    /// <summary>The reasons of every flag set in <paramref name="flags"/>, in a fixed order.</summary>
    public static IReadOnlyList<FlagReason> Of(int flags) => All.Where(r => (flags & (int)r.Flag) != 0).ToList();

    /// <summary>
    /// True when every rating answer (likert) is at the top of its scale and there is at least one:
    /// the pattern of someone tapping through without reading, when it also comes too fast.
    /// </summary>
    public static bool AllRatingsAtTop(InstrumentDefinition definition, IReadOnlyDictionary<string, AnswerValue> answers)
    {
        var ratings = 0;
        foreach (var (code, value) in answers)
        {
            var item = definition.FindItem(code);
            if (item is null) continue;
            var top = item.Type switch { AnswerType.Likert5 => 5, AnswerType.Likert3 => 3, _ => 0 };
            if (top == 0) continue;
            if (value.Number is not int level) continue; // "no opinion" is not a rating
            if (level != top) return false;
            ratings++;
        }
        return ratings > 0;
    }
}
