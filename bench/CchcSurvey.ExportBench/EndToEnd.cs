using System.Diagnostics;
using System.Globalization;
using CchcSurvey.Core.Exports;
using CchcSurvey.Web.Exports;
using CchcSurvey.Web.Indices;
using Microsoft.Data.Sqlite;

namespace CchcSurvey.ExportBench;

/// <summary>
/// The end-to-end mode: stored responses through the app's own export code, <see cref="ExportService.WriteResponsesAsync"/>
/// (what <c>GET /api/v1/export/responses.{format}</c> and <c>export responses</c> run), from a SQLite database filled
/// by <see cref="ResponseLoader"/>. Every export runs in a process of its own, so that its peak working set is its
/// own and not that of the loader or of an earlier export; this process only orchestrates.
/// </summary>
public static class EndToEnd
{
    public const string Usage =
        "e2e [--rows 1000000,10000000] [--formats csv,xlsx,json] [--db FILE] [--keep] [--out-dir DIR] [--instrument CODE] [--gc server|workstation]";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = Option(args, "--rows", "1000000,10000000").Split(',').Select(ParseCount).Order().ToArray();
        var formats = Option(args, "--formats", "csv,xlsx,json").Split(',');
        if (formats.Any(f => !ExportFormats.TryParse(f, out _))) return Fail("--formats: csv, xlsx, json");
        var file = Option(args, "--db", Path.Combine(Path.GetTempPath(), "cchc-exportbench", "responses.db"));
        var keep = args.Contains("--keep");
        var outDir = Option(args, "--out-dir", "");
        var instrument = Option(args, "--instrument", "");
        var gc = Option(args, "--gc", "workstation");
        if (gc is not ("server" or "workstation")) return Fail("--gc: server or workstation");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);

        var results = new List<string>();
        try
        {
            foreach (var size in rows)
            {
                Console.WriteLine($"fill {file} up to {size:N0} responses");
                var fill = Stopwatch.StartNew();
                if (await ChildAsync(["fill", "--db", file, "--rows", size.ToString(CultureInfo.InvariantCulture)], null) is null) return 1;
                Console.WriteLine($"  database {new FileInfo(file).Length / 1e6:N0} MB, filled in {fill.Elapsed.TotalSeconds:F0} s");
                foreach (var format in formats)
                {
                    string[] export = ["export", "--db", file, "--format", format];
                    if (outDir.Length > 0) export = [.. export, "--out", Path.Combine(outDir, $"responses-{size}.{format}")];
                    if (instrument.Length > 0) export = [.. export, "--instrument", instrument];
                    Console.WriteLine($"export {format} of {size:N0} responses (GC: {gc})");
                    if (await ChildAsync(export, gc) is not { } result) return 1;
                    results.Add(result);
                }
            }
        }
        finally
        {
            if (!keep)
                foreach (var f in new[] { file, file + "-wal", file + "-shm", file + "-journal" }) File.Delete(f);
        }
        Console.WriteLine();
        Console.WriteLine("| format | rows | wall s | rows/s (wall) | CPU s | rows/CPU-s | allocated B/row | output | peak working set | load |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var line in results) Console.WriteLine(line);
        return 0;
    }

    /// <summary>Runs this program again with <paramref name="args"/>; returns its last output line, or null if it failed.</summary>
    private static async Task<string?> ChildAsync(string[] args, string? gc)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        // ASP.NET Core apps run with the server GC (Microsoft.NET.Sdk.Web's default; DATAS sizes its heaps): the
        // export is measured under the GC the app has, unless asked otherwise.
        start.Environment["DOTNET_gcServer"] = gc == "server" ? "1" : "0";
        start.Environment["DOTNET_gcConcurrent"] = gc == "server" ? "1" : "0";
        using var child = Process.Start(start)!;
        string? last = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            Console.WriteLine("  " + line);
            last = line;
        }
        await child.WaitForExitAsync();
        return child.ExitCode == 0 ? last : null;
    }

    /// <summary><c>fill --db FILE --rows N</c>: brings the database up to N responses.</summary>
    public static async Task<int> FillAsync(string[] args)
    {
        var file = Option(args, "--db", "");
        if (file.Length == 0) return Fail("fill --db FILE --rows N");
        var watch = Stopwatch.StartNew();
        var loaded = await ResponseLoader.FillAsync(file, ParseCount(Option(args, "--rows", "1000000")), CancellationToken.None);
        SqliteConnection.ClearAllPools();
        Console.WriteLine($"{loaded:N0} responses ({watch.Elapsed.TotalSeconds:F0} s)");
        return 0;
    }

    /// <summary>
    /// <c>export --db FILE --format csv|xlsx|json [--out FILE] [--instrument CODE]</c>: one export of every stored
    /// response (all units, every instrument unless one is given, flagged ones included: the endpoint's defaults
    /// for an administrator), to a discarding stream unless --out is given. Prints one row of the figures table.
    /// </summary>
    public static async Task<int> ExportAsync(string[] args)
    {
        var file = Option(args, "--db", "");
        if (file.Length == 0 || !ExportFormats.TryParse(Option(args, "--format", "csv"), out var format)) return Fail("export --db FILE --format csv|xlsx|json [--out FILE] [--instrument CODE]");
        var outFile = Option(args, "--out", "");
        var instrument = Option(args, "--instrument", "") is { Length: > 0 } code ? code : null;

        using var host = new BenchHost(file);
        await using var scope = host.Scope();
        var exports = ExportService.From(scope.ServiceProvider);
        await using var output = outFile.Length > 0
            ? new FileStream(outFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true)
            : (Stream)new CountingNullStream();

        var loadBefore = LoadAverage();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var written = await exports.WriteResponsesAsync(output, format, null, instrument, IndexFilter.All, null, CancellationToken.None);
        watch.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var bytes = output is CountingNullStream counting ? counting.Written : output.Length;
        var seconds = watch.Elapsed.TotalSeconds;
        var peakMb = process.PeakWorkingSet64 / (1024.0 * 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {ExportFormats.Extension(format).ToUpperInvariant()} | {written:N0} | {seconds:F1} | {written / seconds:N0} | {cpu:F1} | {written / cpu:N0} | {(double)allocated / Math.Max(1, written):N0} | {Size(bytes)} | {peakMb:N0} MB | {loadBefore} → {LoadAverage()} |"));
        return 0;
    }

    /// <summary>The 1-minute load average (2 = both cores busy): on a shared machine it says how much the wall clock waited.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string Size(long bytes) => bytes >= 1e9 ? $"{bytes / 1e9:F2} GB" : $"{bytes / 1e6:F0} MB";

    public static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static long ParseCount(string text) => long.Parse(text.Replace("_", "").Replace(",", ""), CultureInfo.InvariantCulture);

    private static int Fail(string usage)
    {
        Console.Error.WriteLine("usage: " + usage);
        return 2;
    }
}
