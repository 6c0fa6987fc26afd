using System.Text;
using System.Text.Json;
using CchcSurvey.Core.Tests.Exports;
using CsvHelper;

namespace CchcSurvey.Web.Tests.Exports;

/// <summary>Reads an export in any format into rows of column → text (empty for a null or empty cell).</summary>
public static class ExportTables
{
    public static List<Dictionary<string, string>> Read(string format, byte[] bytes) => format switch
    {
        "csv" => Csv(bytes),
        "xlsx" => Xlsx(bytes),
        _ => Json(bytes),
    };

    public static List<Dictionary<string, string>> Csv(byte[] bytes)
    {
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        using var reader = new StringReader(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        using var csv = CsvReader.Create(reader, new CsvReaderOptions { HasHeader = true }, true);
        var header = csv.Headers!.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read()) rows.Add(header.Select((h, i) => (h, v: csv.GetString(i) ?? "")).ToDictionary(p => p.h, p => p.v));
        return rows;
    }

    public static List<Dictionary<string, string>> Xlsx(byte[] bytes, string sheet = "")
    {
        var sheets = XlsxReader.Read(bytes);
        var (_, rows) = sheet.Length == 0 ? sheets[0] : sheets.Single(s => s.Name == sheet);
        var header = rows[0];
        return rows.Skip(1).Select(r => header.Select((h, i) => (h, v: i < r.Count ? r[i] : "")).ToDictionary(p => p.h, p => p.v)).ToList();
    }

    public static List<Dictionary<string, string>> Json(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.EnumerateArray().Select(row => row.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
        {
            JsonValueKind.Null => "",
            JsonValueKind.String => p.Value.GetString()!,
            _ => p.Value.GetRawText(),
        })).ToList();
    }
}
