using CchcSurvey.Core.Instruments;

namespace CchcSurvey.ExportBench;

/// <summary>
/// Canonical answer JSON (<see cref="AnswerCodec"/>) for generated responses: every answer type, ~8 % of the items
/// skipped, the instrument's display conditions applied, and one text item in four answered, from texts that cost
/// the most to export (Vietnamese, separators, quotes, line breaks, formula starts). Harder than the demo data,
/// whose texts are rarer and plainer.
/// </summary>
public static class SampleAnswers
{
    private static readonly string[] Texts =
    [
        "Cán bộ nhiệt tình, hướng dẫn chu đáo; chờ hơi lâu.",
        "=1+1 thử công thức",
        "Phòng chờ nóng, cần thêm quạt",
        "Cán bộ nói \"sẽ gọi lại\" nhưng không gọi.\nĐề nghị cải thiện.",
        "-Thủ tục rườm rà",
        "Tốt",
        "@admin xem lại giúp",
        "Không có ý kiến",
    ];

    public static string Json(InstrumentDefinition definition, Random random)
    {
        var answers = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        foreach (var item in definition.Items)
        {
            if (item.ShowWhen is { } condition && !condition.IsMetBy(answers.TryGetValue(condition.Item, out var v) ? v.Number : null)) continue;
            if (item.Type == AnswerType.Text ? random.Next(4) != 0 : random.NextDouble() < 0.08) continue;
            answers[item.Code] = item.Type switch
            {
                AnswerType.Likert5 => AnswerValue.FromNumber(random.Next(1, 6)),
                AnswerType.Likert3 => AnswerValue.FromNumber(random.Next(1, 4)),
                AnswerType.YesNo => AnswerValue.FromNumber(random.Next(0, 2)),
                AnswerType.Choice or AnswerType.Points => AnswerValue.FromCode(item.Options[random.Next(item.Options.Count)].Code),
                // One to three options, in option order as the validator stores them.
                AnswerType.Multi => AnswerValue.FromCodes(Pick(item.Options.Count, random.Next(1, 4), random).Select(i => item.Options[i].Code).ToArray()),
                _ => AnswerValue.FromText(Texts[random.Next(Texts.Length)]),
            };
        }
        return AnswerCodec.Serialize(answers);
    }

    private static IEnumerable<int> Pick(int options, int count, Random random) =>
        Enumerable.Range(0, options).OrderBy(_ => random.Next()).Take(count).Order();
}
