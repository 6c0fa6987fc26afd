using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CchcSurvey.Web.Tests.Operations;

/// <summary>
/// <c>backup --out FILE</c> on SQLite while the site takes answers: the copy restores (the app starts on it) and
/// holds every answer acknowledged before the backup started; the command refuses what it cannot do.
/// </summary>
public sealed class BackupTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static string NewFile() => Path.Combine(Path.GetTempPath(), "cchc-tests", $"backup-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task A_backup_taken_under_load_restores_every_answer_acknowledged_before_it_started()
    {
        var http = factory.CreateClient();
        var acknowledged = new ConcurrentDictionary<Guid, bool>();
        using var stop = new CancellationTokenSource();
        async Task Client()
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.NewGuid();
                var response = await http.PostAsJsonAsync("/api/v1/responses", new
                {
                    submissionId = id, counter = "VQ-AS-Q1", instrument = "NHANH", channel = "web",
                    answers = new Dictionary<string, object> { ["HL"] = 1 + (id.GetHashCode() & 0xFFFF) % 5 },
                });
                if (response.StatusCode == HttpStatusCode.Created) acknowledged[id] = true;
            }
        }
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(Client)).ToArray();
        while (acknowledged.Count < 300) await Task.Delay(10);

        // Everything acknowledged up to here must be in the copy; the clients keep posting during the backup.
        var before = acknowledged.Keys.ToHashSet();
        var file = NewFile();
        try
        {
            var run = await CliRunner.RunAsync(factory, "backup", "--out", file);
            var duringAndAfter = acknowledged.Count;
            while (acknowledged.Count < duringAndAfter + 100) await Task.Delay(10);
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Matches(@"^Backup written to .+: [\d.]+ MB, [\d,]+ responses, [\d,]+ statistics cells, integrity_check ok, in [\d.]+ s\.$", run.Output.Trim());
            Assert.False(File.Exists(file + ".partial"));

            // Restore: the app starts on the copy, and every answer acknowledged before the backup is there once.
            using var restored = new RestartedAppFactory(file);
            var stored = restored.WithDatabase(db => db.Responses.Select(r => r.SubmissionId).ToList());
            Assert.Equal(stored.Count, stored.Distinct().Count());
            var missing = before.Where(id => !stored.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {before.Count} acknowledged answers are missing from the backup");
            Assert.True(stored.Count < factory.WithDatabase(db => db.Responses.Count()), "The site kept taking answers after the backup");
            // The copy is consistent: its statistics cells count exactly its responses.
            var counterUnit = restored.WithDatabase(db => db.Counters.Single(c => c.Code == "VQ-AS-Q1").UnitId);
            Assert.Equal(stored.Count, restored.WithDatabase(db => db.StatisticsCells
                .Where(c => c.UnitId == counterUnit && c.Period == CchcSurvey.Web.Data.CellPeriod.Day).Sum(c => c.Responses)));
            using var status = await restored.CreateClient().GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }
        finally
        {
            await stop.CancelAsync();
            SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        }
    }

    [Fact]
    public async Task Backup_never_overwrites_a_file_and_names_what_is_wrong()
    {
        var file = NewFile();
        await File.WriteAllTextAsync(file, "precious");
        try
        {
            var run = await CliRunner.RunAsync(factory, "backup", "--out", file);
            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith("error: ", run.Error);
            Assert.Contains("exists", run.Error);
            Assert.Equal("precious", await File.ReadAllTextAsync(file));

            var nowhere = await CliRunner.RunAsync(factory, "backup", "--out", Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "x.db"));
            Assert.Equal(1, nowhere.ExitCode);
            Assert.Contains("directory not found", nowhere.Error);

            var missing = await CliRunner.RunAsync(factory, "backup");
            Assert.Equal(2, missing.ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>On PostgreSQL the command refuses, pointing to pg_dump.</summary>
public sealed class PostgresBackupTests : IDisposable
{
    private readonly PostgresAppFactory? _factory = PostgresAppFactory.ServerConnectionString is null ? null : new PostgresAppFactory();

    [SkippableFact]
    public async Task Backup_on_postgres_refuses_with_a_pointer_to_pg_dump()
    {
        Skip.If(_factory is null, "CCHC_TEST_POSTGRES is not set.");
        var file = NewFile();
        var run = await CliRunner.RunAsync(_factory, "backup", "--out", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("pg_dump", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(File.Exists(file));
    }

    private static string NewFile() => Path.Combine(Path.GetTempPath(), "cchc-tests", $"backup-{Guid.NewGuid():N}.db");

    public void Dispose() => _factory?.Dispose();
}
