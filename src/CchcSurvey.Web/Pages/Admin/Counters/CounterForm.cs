using System.Text.RegularExpressions;
using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Pages.Admin.Counters;

/// <summary>A problem with the posted form: a Vietnamese resource key and its arguments.</summary>
public sealed record CounterFormError(string Key, params object[] Arguments);

/// <summary>The fields of a counter as posted by the create and edit forms, with their checks.</summary>
public sealed partial class CounterForm
{
    public const int MaxOpeningHours = 200;

    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Unit { get; set; }
    public List<string> Instruments { get; set; } = [];
    public string? DefaultInstrument { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>Core <see cref="Core.Integrity.OpeningHours"/> text; empty = always open.</summary>
    public string? OpeningHours { get; set; }

    public static CounterForm From(Counter counter, string unitCode) => new()
    {
        Code = counter.Code, Name = counter.Name, Unit = unitCode, Instruments = counter.InstrumentCodes.ToList(),
        DefaultInstrument = counter.DefaultInstrument, IsActive = counter.IsActive, OpeningHours = counter.OpeningHours,
    };

    public static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 40 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The first problem with the name, the offered instruments and the opening hours, or null.</summary>
    public CounterFormError? Check(IReadOnlyCollection<string> published)
    {
        Name = Name?.Trim() ?? "";
        OpeningHours = OpeningHours?.Trim() ?? "";
        // An empty field binds as a null element.
        Instruments = (Instruments ?? []).Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (Name.Length is 0 or > 200) return new("Tên quầy phải có từ 1 đến 200 ký tự.");
        if (Instruments.Count == 0) return new("Hãy chọn ít nhất một phiếu khảo sát.");
        if (Instruments.Any(i => !published.Contains(i))) return new("Có phiếu khảo sát chưa được xuất bản.");
        if (string.IsNullOrEmpty(DefaultInstrument) || !Instruments.Contains(DefaultInstrument))
            return new("Phiếu mặc định phải là một trong các phiếu được chọn.");
        if (string.Join(' ', Instruments).Length > 200) return new("Quá nhiều phiếu khảo sát cho một quầy.");
        if (OpeningHours.Length > MaxOpeningHours) return new("Giờ mở cửa tối đa {0} ký tự.", MaxOpeningHours);
        if (OpeningHours.Length > 0 && !Core.Integrity.OpeningHours.TryParse(OpeningHours, out _, out var error)) return OpeningHoursError(error);
        return null;
    }

    public void ApplyTo(Counter counter)
    {
        counter.Name = Name!;
        counter.Instruments = string.Join(' ', Instruments);
        counter.DefaultInstrument = DefaultInstrument!;
        counter.IsActive = IsActive;
        counter.OpeningHours = string.IsNullOrEmpty(OpeningHours) ? null : OpeningHours;
    }

    /// <summary>A one-line description for the audit log.</summary>
    public string Describe() =>
        $"name '{Name}'; instruments {string.Join(' ', Instruments)}; default {DefaultInstrument}; {(IsActive ? "active" : "inactive")}; " +
        $"hours {(string.IsNullOrEmpty(OpeningHours) ? "always open" : $"'{OpeningHours}'")}";

    /// <summary>
    /// The Core parser's English message as a Vietnamese one. Its messages are "'fragment': reason" or a bare
    /// reason; the fragment is kept so the official sees which part of the text is wrong. An unknown message
    /// (a future parser change) is still shown, in English, rather than hidden.
    /// </summary>
    internal static CounterFormError OpeningHoursError(string parserMessage)
    {
        var match = QuotedFragment().Match(parserMessage);
        var (fragment, reason) = match.Success ? (match.Groups[1].Value, match.Groups[2].Value) : ("", parserMessage);
        if (reason.StartsWith("expected days then times", StringComparison.Ordinal))
            return new("Giờ mở cửa: '{0}' cần có ngày rồi đến giờ, ví dụ 'Mon-Fri 07:30-11:30'.", fragment);
        if (reason.StartsWith("days must be", StringComparison.Ordinal))
            return new("Giờ mở cửa: '{0}' không phải là ngày; hãy dùng Mon, Tue, Wed, Thu, Fri, Sat, Sun (Thứ Hai … Chủ nhật) hoặc một khoảng như Mon-Fri.", fragment);
        if (reason.StartsWith("times must be", StringComparison.Ordinal))
            return new("Giờ mở cửa: '{0}' phải có dạng HH:mm-HH:mm, giờ kết thúc sau giờ bắt đầu.", fragment);
        if (reason.StartsWith("no opening interval", StringComparison.Ordinal))
            return new("Giờ mở cửa không có khoảng thời gian nào.");
        return new("Giờ mở cửa không hợp lệ: {0}", parserMessage);
    }

    [GeneratedRegex("^'(.*)': (.*)$", RegexOptions.Singleline)]
    private static partial Regex QuotedFragment();
}

/// <summary>What the shared form fields partial needs.</summary>
public sealed record CounterFieldsView(CounterForm Form, IReadOnlyList<string> Published);
