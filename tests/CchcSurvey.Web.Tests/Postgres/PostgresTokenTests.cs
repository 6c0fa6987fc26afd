using System.Net;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Integrity.IntegrityTestHelpers;

namespace CchcSurvey.Web.Tests.Postgres;

/// <summary>Single-use tokens on PostgreSQL: concurrent redemptions, through the app and in raw concurrent transactions.</summary>
public sealed class PostgresTokenTests(PostgresAppFactory factory) : IClassFixture<PostgresAppFactory>
{
    private static void RequireServer() =>
        Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");

    [SkippableFact]
    public async Task Concurrent_submissions_with_one_token_store_exactly_one_response()
    {
        RequireServer();
        var (token, _, _) = await IssueAsync(Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail)), "VQ-TN-Q1");
        var client = factory.CreateClient();
        var statuses = (await Task.WhenAll(Enumerable.Range(0, 10).Select(i => PostResponseAsync(client, Nhanh(Guid.NewGuid(), 1 + i % 5, token: token)))))
            .Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(1, factory.WithDatabase(db => db.Responses.Count(r => r.Counter!.Code == "VQ-TN-Q1")));
    }

    [SkippableFact]
    public async Task Two_transactions_redeeming_one_token_at_once_succeed_only_once()
    {
        RequireServer();
        var (token, _, _) = await IssueAsync(Bearer(factory, await ApiTokenAsync(factory, SurveyAppFactory.AdminEmail)), "VQ-TC-Q1");
        var hash = DossierTokenService.Hash(token);
        var counterId = factory.WithDatabase(db => db.Counters.Single(c => c.Code == "VQ-TC-Q1").Id);

        await using var scopeA = factory.Services.CreateAsyncScope();
        await using var scopeB = factory.Services.CreateAsyncScope();
        var a = scopeA.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var b = scopeB.ServiceProvider.GetRequiredService<SurveyDbContext>();
        await using var txA = await a.Database.BeginTransactionAsync();
        await using var txB = await b.Database.BeginTransactionAsync();
        Assert.True(await DossierTokenService.RedeemAsync(a, hash, counterId, DateTime.UtcNow));
        // B blocks on A's row lock until A commits, then finds the token used.
        var second = DossierTokenService.RedeemAsync(b, hash, counterId, DateTime.UtcNow);
        await Task.Delay(200);
        Assert.False(second.IsCompleted);
        await txA.CommitAsync();
        Assert.False(await second);
        await txB.CommitAsync();
        Assert.True(factory.WithDatabase(db => db.DossierTokens.AsNoTracking().Single(t => t.TokenHash == hash).Used));
    }
}
