using CchcSurvey.Web.Operations;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Operations;

/// <summary>Background jobs run once per interval across instances: claims of a job's lease row, on both providers.</summary>
public abstract class JobLeaseTests(SurveyAppFactory factory)
{
    private sealed class At(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [SkippableFact]
    public async Task Of_many_simultaneous_claims_one_wins_and_the_next_is_due_after_the_interval()
    {
        Skip.If(factory is PostgresAppFactory && PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set.");
        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        var interval = TimeSpan.FromHours(1);
        // The running site claimed the sighting cleanup once, at its start.
        Assert.Equal(1, factory.WithDatabase(db => db.JobLeases.Single(j => j.Name == JobLeases.SightingCleanup).Runs));

        var now = new DateTimeOffset(2030, 5, 1, 8, 0, 0, TimeSpan.Zero);
        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() =>
            JobLeases.TryClaimAsync(scopes, JobLeases.Alerts, interval, new At(now), CancellationToken.None))));
        Assert.Single(claims, won => won);
        Assert.False(await JobLeases.TryClaimAsync(scopes, JobLeases.Alerts, interval, new At(now.AddMinutes(50)), CancellationToken.None));
        Assert.True(await JobLeases.TryClaimAsync(scopes, JobLeases.Alerts, interval, new At(now.AddMinutes(55)), CancellationToken.None));
        var lease = factory.WithDatabase(db => db.JobLeases.Single(j => j.Name == JobLeases.Alerts));
        Assert.Equal(2, lease.Runs);
        Assert.EndsWith($":{Environment.ProcessId}", lease.Holder);
    }
}

public sealed class SqliteJobLeaseTests(SurveyAppFactory factory) : JobLeaseTests(factory), IClassFixture<SurveyAppFactory>;

public sealed class PostgresJobLeaseTests(PostgresAppFactory factory) : JobLeaseTests(factory), IClassFixture<PostgresAppFactory>;
