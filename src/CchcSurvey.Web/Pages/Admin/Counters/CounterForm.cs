using CchcSurvey.Web.Data;

namespace CchcSurvey.Web.Pages.Admin.Counters;

/// <summary>The fields of a counter as posted by the create and edit forms, with their checks.</summary>
public sealed class CounterForm
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Unit { get; set; }
    public List<string> Instruments { get; set; } = [];
    public string? DefaultInstrument { get; set; }
    public bool IsActive { get; set; } = true;

    public static CounterForm From(Counter counter, string unitCode) => new()
    {
        Code = counter.Code, Name = counter.Name, Unit = unitCode, Instruments = counter.InstrumentCodes.ToList(),
        DefaultInstrument = counter.DefaultInstrument, IsActive = counter.IsActive,
    };

    public static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 40 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The first problem with the offered instruments and the name (a Vietnamese resource key), or null.</summary>
    public string? Check(IReadOnlyCollection<string> published)
    {
        Name = Name?.Trim() ?? "";
        // An empty field binds as a null element.
        Instruments = (Instruments ?? []).Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (Name.Length is 0 or > 200) return "Tên quầy phải có từ 1 đến 200 ký tự.";
        if (Instruments.Count == 0) return "Hãy chọn ít nhất một phiếu khảo sát.";
        if (Instruments.Any(i => !published.Contains(i))) return "Có phiếu khảo sát chưa được xuất bản.";
        if (string.IsNullOrEmpty(DefaultInstrument) || !Instruments.Contains(DefaultInstrument))
            return "Phiếu mặc định phải là một trong các phiếu được chọn.";
        if (string.Join(' ', Instruments).Length > 200) return "Quá nhiều phiếu khảo sát cho một quầy.";
        return null;
    }

    public void ApplyTo(Counter counter)
    {
        counter.Name = Name!;
        counter.Instruments = string.Join(' ', Instruments);
        counter.DefaultInstrument = DefaultInstrument!;
        counter.IsActive = IsActive;
    }

    /// <summary>A one-line description for the audit log.</summary>
    public string Describe() => $"name '{Name}'; instruments {string.Join(' ', Instruments)}; default {DefaultInstrument}; {(IsActive ? "active" : "inactive")}";
}

/// <summary>What the shared form fields partial needs.</summary>
public sealed record CounterFieldsView(CounterForm Form, IReadOnlyList<string> Published);
