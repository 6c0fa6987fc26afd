namespace CchcSurvey.Core.Exports;

/// <summary>One cell of an export: empty, a number or a text. Numbers stay numbers in every format.</summary>
public readonly record struct ExportCell
{
    private ExportCell(string? text, double? number)
    {
        Text = text;
        Number = number;
    }

    public string? Text { get; }
    public double? Number { get; }
    public bool IsEmpty => Text is null && Number is null;

    public static readonly ExportCell Empty = default;

    public static ExportCell Of(string? text) => new(text, null);

    /// <summary>A number; NaN and ∞ never leave Core, but if one did it becomes an empty cell.</summary>
    public static ExportCell Of(double? number) => number is double d && double.IsFinite(d) ? new(null, d) : Empty;

    public static ExportCell Of(long? number) => number is long l ? new(null, l) : Empty;

    public static ExportCell Of(bool value) => new(null, value ? 1 : 0);

    public override string ToString() => Text ?? Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
