using System.Text.Json;
using CchcSurvey.Core.Paper;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Paper;

/// <summary><c>Paper:*</c> — uploaded scans read in the background.</summary>
public sealed class PaperOptions
{
    public const string Section = "Paper";

    /// <summary>Folder of uploaded scans waiting to be read; empty = <c>data/paper-batches</c> under the repository (never under the web root).</summary>
    public string? BatchPath { get; set; }

    /// <summary>An instance that has not renewed its hold on the batch reader for this long is taken over by another.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>How often an idle instance looks for batches uploaded through another instance.</summary>
    public int PollSeconds { get; set; } = 5;
}

/// <summary>The progress of a background batch, as the API and the upload page show it.</summary>
public sealed record PaperBatchProgress(Guid Id, string FileName, string Status, int PagesTotal, int PagesDone, int SheetsStored,
    int SheetsReview, int PagesDuplicate, int PagesUnreadable, string? Problem, IReadOnlyList<ScannedPageResult>? Pages)
{
    public static string StatusName(PaperBatchStatus status) => status switch
    {
        PaperBatchStatus.Queued => "queued",
        PaperBatchStatus.Reading => "reading",
        PaperBatchStatus.Judging => "storing",
        PaperBatchStatus.Done => "done",
        _ => "failed",
    };

    /// <summary>The batch's figures; its pages only once it is done (while reading they are still "pending").</summary>
    public static PaperBatchProgress Of(PaperBatch b) => new(b.Id, b.FileName, StatusName(b.Status), b.PagesTotal, b.PagesDone, b.SheetsStored,
        b.SheetsReview, b.PagesDuplicate, b.PagesUnreadable, b.Problem,
        b.Status == PaperBatchStatus.Done ? JsonSerializer.Deserialize<List<ScannedPageResult>>(b.ResultsJson) : null);
}

/// <summary>
/// Takes an uploaded scan into the batch folder (outside the web root, under a random name) and queues it for
/// <see cref="PaperBatchWorker"/>. The file is accepted by its bytes (PDF, PNG, JPEG, TIFF), never by its name.
/// </summary>
public sealed class PaperBatchStore(SurveyDbContext db, IOptions<PaperOptions> options, IWebHostEnvironment environment, AuditLog audit,
    TimeProvider time, PaperBatchWorker worker)
{
    public string Folder => FolderOf(options.Value, environment);

    public static string FolderOf(PaperOptions options, IWebHostEnvironment environment)
    {
        var folder = string.IsNullOrWhiteSpace(options.BatchPath)
            ? Path.Combine(RepositoryPaths.Root(environment.ContentRootPath), "data", "paper-batches")
            : Path.GetFullPath(options.BatchPath);
        var webRoot = Path.GetFullPath(environment.WebRootPath ?? RepositoryPaths.WebRoot(environment.ContentRootPath));
        if (Path.GetFullPath(folder).StartsWith(webRoot, StringComparison.Ordinal))
            throw new InvalidOperationException("Paper:BatchPath must not be under the web root.");
        return folder;
    }

    /// <summary>Why an upload was refused.</summary>
    public enum Refusal { None, NoFile, NotAScan }

    /// <summary>Queues an upload; returns the batch, or why it was refused (nothing kept then).</summary>
    public async Task<(PaperBatch? Batch, Refusal Refusal)> EnqueueAsync(IFormFile? file, string actor, int? scopeUnitId, CancellationToken ct)
    {
        if (file is null || file.Length == 0) return (null, Refusal.NoFile);
        Directory.CreateDirectory(Folder);
        var stored = Guid.NewGuid().ToString("N") + ".scan";
        var path = Path.Combine(Folder, stored);
        await using (var target = File.Create(path)) await file.CopyToAsync(target, ct);
        var head = new byte[8];
        await using (var check = File.OpenRead(path)) _ = await check.ReadAsync(head, ct);
        if (PageImages.Detect(head) == PageImages.Kind.Unknown)
        {
            File.Delete(path);
            return (null, Refusal.NotAScan);
        }
        var name = Path.GetFileName(file.FileName);
        var batch = new PaperBatch
        {
            Id = Guid.NewGuid(), FileName = string.IsNullOrWhiteSpace(name) ? "scan" : name[..Math.Min(200, name.Length)], StoredFile = stored,
            UploadedBy = actor, ScopeUnitId = scopeUnitId, Status = PaperBatchStatus.Queued,
            PagesTotal = PageImages.CountPages(path) ?? 1, CreatedUtc = time.GetUtcNow().UtcDateTime,
        };
        db.PaperBatches.Add(batch);
        audit.Add(actor, "paper.upload", batch.FileName, $"{batch.PagesTotal} pages queued (batch {batch.Id})");
        await db.SaveChangesAsync(ct);
        worker.Wake();
        return (batch, Refusal.None);
    }

    /// <summary>A batch the caller may follow: administrators all, others those uploaded within their scope; null otherwise (404).</summary>
    public async Task<PaperBatch?> FindAsync(Guid id, Security.OfficialScope scope, CancellationToken ct)
    {
        var batch = await db.PaperBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct);
        if (batch is null) return null;
        _ = await scope.RootAsync(ct);   // loads the official, which CanSee needs
        if (scope.IsAdmin) return batch;
        if (batch.ScopeUnitId is not int unitId) return null;
        var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId, ct);
        return unit is not null && scope.CanSee(unit) ? batch : null;
    }
}

/// <summary>
/// Reads queued batches in the background, one at a time across all instances on the database: the instance that
/// holds the <c>paper-batches</c> lease (<see cref="JobLeases.TryHoldAsync"/>) reads, renewing it before every page;
/// if it stops, another takes over after one lease and resumes after the last page saved.
/// </summary>
public sealed class PaperBatchWorker(IServiceScopeFactory scopes, TimeProvider time, IOptions<PaperOptions> options, ILogger<PaperBatchWorker> logger)
    : BackgroundService
{
    // One per host (not per process): two hosts in one process, as in tests, are two instances.
    private readonly string _holder = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 200);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[^length..];
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>Looks for work now rather than at the next poll (a batch was just queued here).</summary>
    public void Wake()
    {
        try { _signal.Release(); } catch (SemaphoreFullException) { }
    }

    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(2, options.Value.LeaseSeconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (await NextAsync(stoppingToken) is Guid id && await JobLeases.TryHoldAsync(scopes, JobLeases.PaperBatches, _holder, Lease, time, stoppingToken))
                    {
                        await ProcessAsync(id, stoppingToken);
                        continue;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Paper batch reader failed; trying again at the next poll");
                }
                await _signal.WaitAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            // A clean stop hands the batch on at once; a crash leaves it to whoever comes after one lease.
            try { await JobLeases.ReleaseAsync(scopes, JobLeases.PaperBatches, _holder, CancellationToken.None); }
            catch (Exception e) { logger.LogDebug(e, "Could not release the paper batch lease"); }
        }
    }

    private async Task<Guid?> NextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        return await db.PaperBatches.Where(b => b.Status < PaperBatchStatus.Done).OrderBy(b => b.CreatedUtc).Select(b => (Guid?)b.Id).FirstOrDefaultAsync(ct);
    }

    private async Task ProcessAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var paper = scope.ServiceProvider.GetRequiredService<PaperService>();
        var environment = scope.ServiceProvider.GetRequiredService<IWebHostEnvironment>();
        var folder = PaperBatchStore.FolderOf(options.Value, environment);
        try
        {
            await paper.ProcessBatchAsync(id, folder, () => JobLeases.TryHoldAsync(scopes, JobLeases.PaperBatches, _holder, Lease, time, ct), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A batch that throws would be retried for ever: it fails, with its reason, and its file goes.
            logger.LogError(e, "Paper batch {Batch} failed", id);
            await using var failScope = scopes.CreateAsyncScope();
            var db = failScope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var problem = "the batch stopped: " + e.Message;
            if (problem.Length > 300) problem = problem[..300];
            var stored = await db.PaperBatches.Where(b => b.Id == id).Select(b => b.StoredFile).FirstOrDefaultAsync(CancellationToken.None);
            await db.PaperBatches.Where(b => b.Id == id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, PaperBatchStatus.Failed)
                .SetProperty(b => b.Problem, problem).SetProperty(b => b.FinishedUtc, time.GetUtcNow().UtcDateTime), CancellationToken.None);
            if (stored is not null) File.Delete(Path.Combine(folder, stored));
        }
    }
}
