namespace CchcSurvey.Core.Exports;

/// <summary>
/// Neutralises spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with
/// = + - @ tab, carriage return or line feed would be read as a formula (or a DDE call) by Excel and
/// LibreOffice, so it gets a leading apostrophe, which spreadsheets show as text and do not evaluate.
/// Applied to every text cell of CSV and XLSX exports (including XLSX, where cells are already typed as
/// strings: a user re-saving the file as CSV must not arm it). Numbers are never text cells, so a
/// negative number stays a number. JSON is not neutralised: it is data for programs, not a sheet.
/// </summary>
public static class FormulaGuard
{
    public const char Escape = '\'';

    /// <summary>The characters that make a spreadsheet treat a cell as a formula.</summary>
    public static ReadOnlySpan<char> DangerousLeads => "=+-@\t\r\n";

    public static bool IsDangerous(string? text) => text is { Length: > 0 } && DangerousLeads.Contains(text[0]);

    public static string? Neutralise(string? text) => IsDangerous(text) ? Escape + text : text;
}
