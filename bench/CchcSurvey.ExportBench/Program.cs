// Microdata export benchmark, two modes (see docs/performance.md, Exports):
//
//   writers:  CchcSurvey.ExportBench [csv|xlsx|json] [rows] [--out FILE]
//             the Core code the export runs per row (answer JSON parsing, pseudonym, formula neutralisation,
//             CSV/XLSX/JSON encoding) on generated rows, without a database.
//   e2e:      CchcSurvey.ExportBench e2e [--rows 1000000,10000000] [--formats csv,xlsx,json] [--keep] ...
//             stored responses through the app's ExportService from a SQLite database of that many responses
//             (filled first, under /tmp, deleted at the end unless --keep); each export in its own process.
//
// Peak memory is the process's peak working set (it includes the runtime and, in e2e, the hosted app).
namespace CchcSurvey.ExportBench;

public static class ExportBenchMain
{
    public static async Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "e2e" => await EndToEnd.RunAsync(args[1..]),
        "fill" => await EndToEnd.FillAsync(args[1..]),
        "export" => await EndToEnd.ExportAsync(args[1..]),
        "-h" or "--help" => Help(),
        _ => await WriterBench.RunAsync(args),
    };

    private static int Help()
    {
        Console.WriteLine("usage: CchcSurvey.ExportBench [csv|xlsx|json] [rows] [--out FILE]   (writers on generated rows)");
        Console.WriteLine("       CchcSurvey.ExportBench " + EndToEnd.Usage);
        return 0;
    }
}
