using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CchcSurvey.Core.Tests.Exports;

/// <summary>Reads an XLSX file back with the Open XML SDK: sheet name → rows of cell texts (inline or shared strings, numbers as written).</summary>
public static class XlsxReader
{
    public static List<(string Name, List<List<string>> Rows)> Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var result = new List<(string, List<List<string>>)>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            var rows = part.Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c =>
                c.DataType?.Value == CellValues.SharedString ? shared[int.Parse(c.CellValue!.Text)]
                : c.DataType?.Value == CellValues.InlineString ? c.InlineString!.InnerText
                : c.CellValue?.Text ?? "").ToList()).ToList();
            result.Add((sheet.Name!, rows));
        }
        return result;
    }

    /// <summary>The data type of each cell of a row ("s" for text, "n" for numbers), to tell numbers from texts.</summary>
    public static List<string> Types(byte[] bytes, int sheet, int row)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var s = workbook.Workbook.Sheets!.Elements<Sheet>().ElementAt(sheet);
        var part = (WorksheetPart)workbook.GetPartById(s.Id!);
        return part.Worksheet.Descendants<Row>().ElementAt(row).Elements<Cell>()
            .Select(c => c.DataType?.Value is { } t && t != CellValues.Number ? "s" : "n").ToList();
    }
}
