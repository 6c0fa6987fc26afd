using CchcSurvey.Core.Organisation;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Organisation;

/// <summary>
/// <c>units reorganise FILE.csv [--confirm-scopes] [--dry-run] [--effective yyyy-MM-dd]</c>: prints the preview, then runs the job in this
/// process with its progress, as the page's background job would. On any error in the file every error is printed
/// with its line and nothing changes.
/// </summary>
public static class ReorganiseCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, FileInfo file, bool confirmScopes, bool dryRun,
        TextWriter output, TextWriter error, Func<string, Exception> fail, CancellationToken ct, string? effective = null)
    {
        DateOnly? effectiveDate = null;
        if (effective is not null)
        {
            if (!DateOnly.TryParseExact(effective, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
                throw fail($"--effective must be a date yyyy-MM-dd, not '{effective}'");
            effectiveDate = date;
        }
        if (file.Length > Reorganisation.MaxFileBytes) throw fail($"{file.Name}: larger than {Reorganisation.MaxFileBytes:N0} bytes");
        var csv = await File.ReadAllTextAsync(file.FullName, ct);
        var reorganisation = services.GetRequiredService<Reorganisation>();
        var preview = await reorganisation.PreviewAsync(csv, ct);
        if (!preview.Ok)
        {
            foreach (var problem in preview.AllErrors.Skip(1)) error.WriteLine($"error: {file.Name}: {problem}");
            throw fail($"{file.Name}: {preview.AllErrors[0]}{(preview.AllErrors.Count > 1 ? $" (and {preview.AllErrors.Count - 1} more, above)" : "")}");
        }
        var plan = preview.Plan!;
        Print(plan, output);
        if (plan.IsNoOp)
        {
            output.WriteLine("Nothing to change: this crosswalk is already applied.");
            return 0;
        }
        if (dryRun) return 0;

        var confirmed = confirmScopes ? plan.Scopes.Where(s => s.Flagged).Select(s => s.OfficialId).ToList() : [];
        var (job, errors) = await reorganisation.QueueAsync("cli", file.Name, csv, confirmed, ct, effectiveDate);
        if (job is null) throw fail($"{file.Name}: {errors[0]}{(errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "")}");

        var progress = services.GetRequiredService<ReorganisationProgress>();
        using var stop = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            string? last = null;
            while (!stop.IsCancellationRequested)
            {
                if (progress.Of(job.Id) is { } text && text != last) output.WriteLine(last = text);
                try { await Task.Delay(200, stop.Token); } catch (OperationCanceledException) { }
            }
        }, CancellationToken.None);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var finished = await reorganisation.RunAsync(job.Id, ct);
        await stop.CancelAsync();
        await reporter;
        if (finished.Status != ReorganisationStatus.Done) throw fail($"{file.Name}: job {finished.Id} failed, nothing changed: {finished.Outcome.Split('\n')[0]}");
        output.WriteLine($"Job {finished.Id} done in {started.Elapsed.TotalSeconds:F1} s: {finished.Outcome}");
        return 0;
    }

    public static void Print(ReorganisationPlan plan, TextWriter output)
    {
        foreach (var unit in plan.Created) output.WriteLine($"create  {unit.Code} '{unit.Name}' under {unit.Parent ?? "-"}");
        foreach (var merge in plan.Merged) output.WriteLine($"merge   {merge.Old} into {merge.Into} (made inactive)");
        foreach (var rename in plan.Renamed) output.WriteLine($"rename  {rename.Code}: '{rename.From}' → '{rename.To}'");
        foreach (var move in plan.Moved) output.WriteLine($"move    {move.Code}: under {move.From ?? "-"} → under {move.To ?? "-"}");
        foreach (var counter in plan.Counters) output.WriteLine($"counter {counter.Counter}: {counter.From} → {counter.To}");
        foreach (var scope in plan.Scopes)
            output.WriteLine(scope.Flagged
                ? $"scope   {scope.Email}: {scope.From} → {scope.To} would be wider (also {string.Join(' ', scope.Gained)}): needs --confirm-scopes, else {(scope.From == scope.To ? "refused" : $"keeps {scope.From}")}"
                : $"scope   {scope.Email}: {scope.From} → {scope.To}");
        foreach (var lead in plan.Leads) output.WriteLine($"lead    {lead.Description}: {lead.From} → {lead.To}");
        foreach (var warning in plan.Warnings) output.WriteLine($"warning {warning}");
        if (plan.AlreadyDone > 0) output.WriteLine($"already done: {plan.AlreadyDone} row(s)");
    }
}
