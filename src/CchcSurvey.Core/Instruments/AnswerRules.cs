namespace CchcSurvey.Core.Instruments;

/// <summary>Facts about answer types shared by validation and the index engine.</summary>
public static class AnswerRules
{
    /// <summary>Number of levels K of a likert type (5 or 3); 2 for yesno (0/1); 0 otherwise.</summary>
    public static int LevelCount(AnswerType type) => type switch
    {
        AnswerType.Likert5 => 5,
        AnswerType.Likert3 => 3,
        AnswerType.YesNo => 2,
        _ => 0,
    };

    /// <summary>Smallest and largest allowed integer answer of a likert or yesno item.</summary>
    public static (int Min, int Max) IntegerRange(AnswerType type) => type switch
    {
        AnswerType.Likert5 => (1, 5),
        AnswerType.Likert3 => (1, 3),
        AnswerType.YesNo => (0, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an integer answer type"),
    };

    public static bool IsInteger(AnswerType type) => type is AnswerType.Likert5 or AnswerType.Likert3 or AnswerType.YesNo;
}
