using System.Globalization;
using System.Text;
using CchcSurvey.Core.Indices;

namespace CchcSurvey.Web.Pages.Dashboard.Report;

/// <summary>
/// The first draft of the report's findings (section 7), in plain Vietnamese from the figures on the page: the
/// weakest SIPAS elements, the units below the target, the main reasons for dissatisfaction. Officials edit it
/// before printing; only figures that are shown (not suppressed) are named.
/// </summary>
public static class ReportFindings
{
    private static string Pct(double v) => v.ToString("0.0", CultureInfo.GetCultureInfo("vi-VN")) + "%";

    public static string Draft(IndexModel m)
    {
        var text = new StringBuilder();
        var target = Pct(m.TargetPercent);

        // The weakest elements of the default instrument (the first service table), named by the instrument's own titles.
        if (m.Services.FirstOrDefault() is { } service)
        {
            var weakest = service.Report.Elements.Where(e => !e.Value.Suppressed && e.Value.P is double p && double.IsFinite(p))
                .OrderBy(e => e.Value.P).Take(2).ToList();
            if (weakest.Count > 0)
                text.Append("- Yếu tố có tỷ lệ hài lòng thấp nhất: ")
                    .AppendJoin("; ", weakest.Select(e => $"{service.Instrument.Definition.Elements.FirstOrDefault(x => x.Code == e.Key)?.Title.Vi ?? e.Key} ({Pct(e.Value.P!.Value)})")).Append(".\n");
        }

        var below = m.Rankings.SelectMany(r => r.Result.Units.Where(u => double.IsFinite(u.P) && u.P < m.TargetPercent)
                .Select(u => (Name: r.Names.GetValueOrDefault(u.Unit, u.Unit), r.Instrument, u.P)))
            .GroupBy(u => u.Name).Select(g => g.OrderBy(u => u.P).First()).OrderBy(u => u.P).ToList();
        if (below.Count > 0)
            text.Append($"- Đơn vị có tỷ lệ hài lòng dưới mục tiêu {target}: ")
                .AppendJoin("; ", below.Select(u => $"{u.Name} ({Pct(u.P)}, {u.Instrument})")).Append(".\n");
        else if (m.Rankings.Any(r => r.Result.Units.Count > 0))
            text.Append($"- Các đơn vị trực thuộc đủ dữ liệu đều đạt mục tiêu {target}.\n");

        if (m.Reasons?.Where(r => r.Count > 0 && r.Code != "khac").ToList() is { Count: > 0 } reasons)
            text.Append("- Lý do chưa hài lòng được nêu nhiều nhất: ")
                .AppendJoin("; ", reasons.Take(3).Select(r => $"{r.Label} ({r.Count.ToString("N0", CultureInfo.GetCultureInfo("vi-VN"))} lượt)")).Append(".\n");

        text.Append("- Kiến nghị: ..................................................................\n");
        return text.ToString();
    }
}
