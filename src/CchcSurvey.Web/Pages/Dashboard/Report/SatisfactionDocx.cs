using System.Globalization;
using CchcSurvey.Core.Indices;
using CchcSurvey.Web.Plans;

namespace CchcSurvey.Web.Pages.Dashboard.Report;

/// <summary>The quarterly satisfaction report as .docx: the page's sections and numbers, formatted as the page formats them.</summary>
public static class SatisfactionDocx
{
    public static string Share(ItemFigure f) => f.Suppressed || f.P is null
        ? $"chưa đủ dữ liệu (n={f.N})"
        : $"{f.P.Value.ToString("0.0", CultureInfo.CurrentCulture)}% [{f.PLo!.Value.ToString("0.0", CultureInfo.CurrentCulture)}–{f.PHi!.Value.ToString("0.0", CultureInfo.CurrentCulture)}] n={f.N}";

    public static string Index(IndexFigure f) => f.Suppressed || f.Value is null
        ? $"chưa đủ dữ liệu (n={f.N})"
        : $"{f.Value.Value.ToString("0.0", CultureInfo.CurrentCulture)}% [{f.Lo!.Value.ToString("0.0", CultureInfo.CurrentCulture)}–{f.Hi!.Value.ToString("0.0", CultureInfo.CurrentCulture)}] n={f.N}";

    public static byte[] Write(IndexModel m)
    {
        var figures = new List<IReadOnlyList<string>>();
        foreach (var service in m.Services)
        {
            var definition = service.Instrument.Definition;
            figures.Add([$"Chỉ số hài lòng: {definition.Title.Vi} ({definition.Code})", Index(service.Report.Index)]);
            foreach (var element in definition.Elements)
                if (service.Report.Elements.TryGetValue(element.Code, out var e)) figures.Add(["   " + element.Title.Vi, Share(e)]);
            if (definition.OverallItem is { } item && service.Report.Items.TryGetValue(item.Code, out var overall))
                figures.Add([$"{item.Text.Vi} ({definition.Code})", Share(overall)]);
        }
        if (m.Quick is { } quick) figures.Add(["Tỷ lệ hài lòng khi đánh giá nhanh tại quầy (NHANH)", Share(quick.Overall)]);
        if (m.Tt01 is { } tt01)
        {
            figures.Add(["Điểm đánh giá trung bình theo Thông tư 01 (0–18)", tt01.Total.Suppressed || tt01.Total.Mean is null
                ? $"chưa đủ dữ liệu (n={tt01.Total.N})"
                : $"{tt01.Total.Mean.Value.ToString("0.00", CultureInfo.CurrentCulture)} [{tt01.Total.Lo!.Value.ToString("0.00", CultureInfo.CurrentCulture)}–{tt01.Total.Hi!.Value.ToString("0.00", CultureInfo.CurrentCulture)}] n={tt01.Total.N}"]);
            figures.Add(["Hài lòng chung (TT01)", Share(tt01.Overall)]);
        }
        var writer = new DocxWriter()
            .Header(m.Subject.Name, m.Today)
            .Title("Báo cáo kết quả đo lường sự hài lòng của người dân, tổ chức", $"{m.Subject.Name} — quý {m.Period.Quarter} năm {m.Period.Year}")
            .Heading("1. Thời gian và phạm vi")
            .Text($"Từ ngày {m.Period.From:dd/MM/yyyy} đến ngày {m.Period.To:dd/MM/yyyy}. Số liệu của {m.Subject.Name} gồm toàn bộ các đơn vị trực thuộc.")
            .Heading("2. Phương pháp")
            .Text($"Tỷ lệ hài lòng là tỷ lệ câu trả lời mức 4–5 (thang 5 mức), kèm khoảng tin cậy 95% theo phương pháp Wilson; chỉ số SIPAS và điểm TT01 kèm khoảng tin cậy 95% theo phân phối t. Con số dựa trên ít hơn {m.MinN} câu trả lời được ghi \"chưa đủ dữ liệu\".")
            .Heading("3. Mẫu khảo sát")
            .Table(["Phiếu", .. CchcSurvey.Web.Surveys.Channels.All.Select(c => IndexModel.ChannelNames[c]), "Tổng"],
                m.Sample.Select(r => (IReadOnlyList<string>)[r.Instrument, .. CchcSurvey.Web.Surveys.Channels.All.Select(c => r.ByChannel[c].ToString("N0", CultureInfo.CurrentCulture)), r.Total.ToString("N0", CultureInfo.CurrentCulture)]))
            .Heading("4. Kết quả")
            .Table(["Chỉ số", "Giá trị [khoảng tin cậy 95%]"], figures);
        if (m.Rankings.Count > 0)
        {
            writer.Heading("5. Xếp hạng các đơn vị trực thuộc");
            foreach (var ranking in m.Rankings)
                writer.Text($"{ranking.Instrument} ({ranking.Item})").Table(["Hạng", "Đơn vị", "Tỷ lệ hài lòng", "Sau hiệu chỉnh", "n"],
                    ranking.Result.Units.Select(u => (IReadOnlyList<string>)[u.Rank.ToString(CultureInfo.InvariantCulture), ranking.Names.TryGetValue(u.Unit, out var n) ? n : u.Unit,
                        u.P.ToString("0.0", CultureInfo.CurrentCulture) + "%", u.Shrunk.ToString("0.0", CultureInfo.CurrentCulture) + "%", u.N.ToString(CultureInfo.InvariantCulture)]));
        }
        writer.Heading("6. Lý do chưa hài lòng và mong đợi cải thiện")
            .Table(["Lý do chưa hài lòng (NHANH)", "Số lượt"], m.Reasons is null ? [["chưa đủ dữ liệu", ""]] : m.Reasons.Select(r => (IReadOnlyList<string>)[r.Label, r.Count.ToString("N0", CultureInfo.CurrentCulture)]));
        foreach (var service in m.Services.Where(s => s.Instrument.Definition.ItemWithRole("priorities") is not null))
            writer.Table([$"Nội dung cần ưu tiên cải thiện ({service.Instrument.Code})", "Số lượt"], service.Priorities is null ? [["chưa đủ dữ liệu", ""]]
                : service.Priorities.Select(r => (IReadOnlyList<string>)[r.Label, r.Count.ToString("N0", CultureInfo.CurrentCulture)]));
        writer.Heading("7. Đánh giá chung và kiến nghị");
        foreach (var line in (string.IsNullOrWhiteSpace(m.Findings) ? "......................................................................................" : m.Findings).Split('\n'))
            writer.Text(line.TrimEnd());
        writer
            .Signature("THỦ TRƯỞNG ĐƠN VỊ");
        return writer.ToBytes();
    }
}
