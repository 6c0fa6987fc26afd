namespace CchcSurvey.Core.Instruments;

/// <summary>
/// One stored answer: an integer level (likert, yesno), an option code (choice, points), a list of option
/// codes (multi) or a text. Missing answers are simply absent from a response's answer map.
/// </summary>
public readonly record struct AnswerValue
{
    private AnswerValue(int? number, string? code, IReadOnlyList<string>? codes, string? text)
    {
        Number = number;
        Code = code;
        Codes = codes;
        Text = text;
    }

    public int? Number { get; }
    public string? Code { get; }
    public IReadOnlyList<string>? Codes { get; }
    public string? Text { get; }

    public static AnswerValue FromNumber(int value) => new(value, null, null, null);
    public static AnswerValue FromCode(string code) => new(null, code, null, null);
    public static AnswerValue FromCodes(IReadOnlyList<string> codes) => new(null, null, codes, null);
    public static AnswerValue FromText(string text) => new(null, null, null, text);

    public bool Equals(AnswerValue other) =>
        Number == other.Number && Code == other.Code && Text == other.Text &&
        (Codes is null ? other.Codes is null : other.Codes is not null && Codes.SequenceEqual(other.Codes));

    public override int GetHashCode() =>
        HashCode.Combine(Number, Code, Text, Codes is null ? 0 : string.Join(' ', Codes).GetHashCode(StringComparison.Ordinal));

    public override string ToString() =>
        Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Code ?? (Codes is not null ? string.Join(' ', Codes) : Text ?? "");
}
