using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Indices;

/// <summary>Random valid responses to an instrument (fixed seeds in the tests), honouring showWhen.</summary>
internal static class RandomResponses
{
    public static IReadOnlyDictionary<string, AnswerValue> One(InstrumentDefinition def, Random random, double answerProbability = 0.8, int? constantLevel = null)
    {
        var answers = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        foreach (var item in def.Items)
        {
            if (random.NextDouble() > answerProbability) continue;
            if (item.ShowWhen is { } condition && !condition.IsMetBy(answers.TryGetValue(condition.Item, out var c) ? c.Number : null)) continue;
            switch (item.Type)
            {
                case AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo:
                    var (min, max) = AnswerRules.IntegerRange(item.Type);
                    answers[item.Code] = AnswerValue.FromNumber(constantLevel is int level ? Math.Clamp(level, min, max) : random.Next(min, max + 1));
                    break;
                case AnswerType.Choice or AnswerType.Points:
                    answers[item.Code] = AnswerValue.FromCode(item.Options[constantLevel is null ? random.Next(item.Options.Count) : 0].Code);
                    break;
                case AnswerType.Multi:
                    var chosen = item.Options.Where(_ => random.NextDouble() < 0.4).Select(o => o.Code).ToArray();
                    if (chosen.Length > 0) answers[item.Code] = AnswerValue.FromCodes(chosen);
                    break;
                case AnswerType.Text:
                    answers[item.Code] = AnswerValue.FromText("ý kiến");
                    break;
            }
        }
        return answers;
    }

    public static List<IReadOnlyDictionary<string, AnswerValue>> Many(InstrumentDefinition def, int count, int seed, double answerProbability = 0.8) =>
        Many(def, count, new Random(seed), answerProbability);

    public static List<IReadOnlyDictionary<string, AnswerValue>> Many(InstrumentDefinition def, int count, Random random, double answerProbability = 0.8) =>
        Enumerable.Range(0, count).Select(_ => One(def, random, answerProbability)).ToList();
}
