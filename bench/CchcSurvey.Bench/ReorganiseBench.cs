using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Organisation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Bench;

/// <summary>
/// Child <c>reorg</c>: on a loaded database (P → 3,321 communes, or a dataset of /work/benchdata), rebuilds the cells
/// (unless <c>--no-rebuild</c>), then times (1) merging one commune into another and (2) one province's reorganisation
/// — the first 200 communes by code merged into 65 new communes created under the first one's province —
/// through the app's own job (<see cref="Reorganisation.RunAsync"/>), while 8 clients post submissions to counters of
/// the communes being moved; their latencies are recorded from before the job starts until it ends.
/// </summary>
public static class ReorganiseBench
{
    public sealed record ReorgResult(long Responses, double RebuildSeconds, double SingleMergeSeconds, string SingleOutcome,
        double ProvinceSeconds, string ProvinceOutcome, int Posted, double P50, double P99, double Max);

    /// <param name="rebuild">False (<c>--no-rebuild</c>) on a copy of a dataset whose cells are already built
    /// (<c>/work/benchdata</c>): a rebuild at a million responses takes far longer than the reorganisation measured.</param>
    public static async Task<int> RunAsync(string provider, string connectionString, bool rebuild, CancellationToken ct)
    {
        using var app = new BenchApp(provider, connectionString);
        var client = app.CreateClient();
        long responses;
        var rebuildTime = Stopwatch.StartNew();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
            responses = rebuild
                ? await scope.ServiceProvider.GetRequiredService<StatisticsLedger>().RebuildAsync(db, null, ct)
                : await db.Responses.LongCountAsync(ct);
        }
        var rebuildWatch = rebuildTime;
        rebuildWatch.Stop();
        Console.WriteLine(rebuild ? $"rebuilt {responses:N0} responses in {rebuildWatch.Elapsed.TotalSeconds:0.0} s" : $"{responses:N0} responses, cells as found");

        // The communes (units without sub-units) by code, and the province of the first: the bench's own tree (P →
        // P-0001 …) or another dataset's (e.g. VN → 34 provinces → communes).
        List<string> communes;
        string province;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
            var units = await db.Units.AsNoTracking().Where(u => u.IsActive).Select(u => new { u.Id, u.Code, u.ParentId }).ToListAsync(ct);
            var parents = units.Where(u => u.ParentId is not null).Select(u => u.ParentId!.Value).ToHashSet();
            communes = units.Where(u => !parents.Contains(u.Id)).Select(u => u.Code).Order(StringComparer.Ordinal).ToList();
            var first = units.Single(u => u.Code == communes[0]).ParentId;
            province = units.Single(u => u.Id == first).Code;
        }
        string Commune(int i) => communes[i - 1];

        // (1) one commune into its neighbour.
        var (singleSeconds, singleOutcome) = await ApplyAsync(app, $"old,new,new_parent,new_name\n{communes[^1]},{communes[^2]},,\n", ct);
        Console.WriteLine($"single merge: {singleSeconds:0.000} s — {singleOutcome}");

        // (2) 200 communes into 65 new ones, while clients post.
        var csv = new System.Text.StringBuilder("old,new,new_parent,new_name\n");
        var created = new HashSet<int>();
        for (var i = 1; i <= 200; i++)
        {
            var group = (i - 1) * 65 / 200 + 1;
            var first = created.Add(group);
            csv.Append(CultureInfo.InvariantCulture, $"{Commune(i)},N-{group:00},{(first ? province : "")},{(first ? $"Xã mới {group:00}" : "")}\n");
        }
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var posters = Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                var response = await client.PostAsJsonAsync("/api/v1/responses", new
                {
                    submissionId = Guid.NewGuid(), counter = $"{Commune(random.Next(1, 201))}-Q1", instrument = "NHANH", channel = "qr",
                    answers = new Dictionary<string, object> { ["HL"] = random.Next(1, 6) },
                }, CancellationToken.None);
                watch.Stop();
                if ((int)response.StatusCode != 201) throw new InvalidOperationException($"submission answered {(int)response.StatusCode}");
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
        }, CancellationToken.None)).ToList();
        await Task.Delay(1000, ct);
        var (provinceSeconds, provinceOutcome) = await ApplyAsync(app, csv.ToString(), ct);
        await stop.CancelAsync();
        await Task.WhenAll(posters);
        Console.WriteLine($"province: {provinceSeconds:0.000} s — {provinceOutcome}");
        var sorted = latencies.Order().ToArray();
        double Quantile(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        var result = new ReorgResult(responses, rebuild ? rebuildWatch.Elapsed.TotalSeconds : 0, singleSeconds, singleOutcome, provinceSeconds, provinceOutcome,
            sorted.Length, Quantile(0.5), Quantile(0.99), sorted.Length == 0 ? 0 : sorted[^1]);
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(result));
        return 0;
    }

    private static async Task<(double Seconds, string Outcome)> ApplyAsync(BenchApp app, string csv, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var reorganisation = scope.ServiceProvider.GetRequiredService<Reorganisation>();
        var watch = Stopwatch.StartNew();
        var (job, errors) = await reorganisation.QueueAsync("bench", "bench.csv", csv, [], ct);
        if (job is null) throw new InvalidOperationException(string.Join("; ", errors));
        var done = await reorganisation.RunAsync(job.Id, ct);
        watch.Stop();
        if (done.Status != ReorganisationStatus.Done) throw new InvalidOperationException(done.Outcome);
        return (watch.Elapsed.TotalSeconds, done.Outcome);
    }
}
