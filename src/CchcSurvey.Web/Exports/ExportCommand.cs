using System.Globalization;
using CchcSurvey.Core.Exports;
using CchcSurvey.Web.Cli;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Exports;

/// <summary>
/// <c>export responses --unit CODE --format csv --out FILE</c>: the microdata export for operators on the server, for
/// exports too long for a browser download, with a progress bar. The command line has no scope (like <c>user add</c>).
/// The file is written beside the target and moved into place at the end, so a failed export leaves no half file.
/// </summary>
internal static class ExportCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string? unitCode, string formatName, FileInfo file, string? instrument,
        string? from, string? to, TextWriter output, Func<string, Exception> fail, CancellationToken ct)
    {
        if (!ExportFormats.TryParse(formatName, out var format)) throw fail($"--format must be csv, xlsx or json, not '{formatName}'");
        DateOnly? Date(string? text, string name) => text is null ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw fail($"{name} must be a date yyyy-MM-dd, not '{text}'");
        // Operators' microdata (they can read the database anyway): any days, flagged responses included with their flags column.
        var filter = new IndexFilter(Date(from, "--from"), Date(to, "--to"), null, IncludeFlagged: true);
        if (filter.From > filter.To) throw fail("--from must not be after --to");

        var db = services.GetRequiredService<SurveyDbContext>();
        Unit? unit = null;
        if (unitCode is not null)
            unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == unitCode, ct) ?? throw fail($"no unit with code '{unitCode}'");
        var exports = ExportService.From(services);
        if (instrument is not null && !(await exports.InstrumentCodesAsync(ct)).Contains(instrument)) throw fail($"no published instrument '{instrument}'");
        if (file.Directory is { Exists: false }) throw fail($"folder not found: {file.DirectoryName}");

        var total = await exports.CountResponsesAsync(unit, instrument, filter, ct);
        var bar = new ProgressBar(output, total);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var partial = file.FullName + ".part";
        long written;
        try
        {
            await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                written = await exports.WriteResponsesAsync(stream, format, unit, instrument, filter, new InlineProgress<long>(bar.Report), ct);
            File.Move(partial, file.FullName, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
        bar.Done();
        var seconds = started.Elapsed.TotalSeconds;
        output.WriteLine($"{written:N0} responses written to {file.FullName} in {seconds:F1} s ({(seconds > 0 ? written / seconds : 0):N0} rows/s).");
        return 0;
    }
}
