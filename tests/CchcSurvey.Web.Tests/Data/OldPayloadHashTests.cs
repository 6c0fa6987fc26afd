using CchcSurvey.Web.Data;
using CchcSurvey.Web.Integrity;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace CchcSurvey.Web.Tests.Data;

/// <summary>
/// Migration UnlinkableOldPayloadHashes: a token response stored before the Unlinkable fix kept a payload hash made
/// from SHA-256 of its token (the token table's own column), so a database reader could tell which response a token
/// gave. The database is taken back to the migration before, an old-style token response is stored beside a
/// counter-QR twin (same counter, hour, instrument, channel and answers), and after migrating nothing in the
/// response rows is derived from the token: the twins differ only in their ids.
/// </summary>
public abstract class OldPayloadHashTests<TFactory> : IDisposable where TFactory : SurveyAppFactory, new()
{
    private readonly TFactory _factory = new();

    protected abstract bool Available { get; }

    public void Dispose()
    {
        _factory.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task Old_token_derived_payload_hashes_are_recomputed_like_new_ones()
    {
        Skip.IfNot(Available, "no server for this provider");
        _ = _factory.Services; // starts the app: migrated and seeded
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDbContext>();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var target = migrations.Single(m => m.EndsWith("_UnlinkableOldPayloadHashes", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[migrations.IndexOf(target) - 1]);
        Assert.DoesNotContain(target, await db.Database.GetAppliedMigrationsAsync());

        var counter = await db.Counters.AsNoTracking().OrderBy(c => c.Id).FirstAsync();
        var version = await db.InstrumentVersions.AsNoTracking().FirstAsync(v => v.Code == "NHANH" && v.IsCurrent);
        const string answers = "{\"HL\":4}";
        const string token = "b2xkLXN0eWxlLXRva2VuLTAwMQ";
        var tokenHash = DossierTokenService.Hash(token);
        var oldHash = SubmissionService.PayloadHash("t:" + tokenHash, version.Code, version.Version, "qr", answers);
        var newHash = SubmissionService.PayloadHash(counter.Code, version.Code, version.Version, "qr", answers);
        var hour = new DateTime(2026, 3, 2, 3, 0, 0, DateTimeKind.Utc);
        db.DossierTokens.Add(new DossierToken { TokenHash = tokenHash, CounterId = counter.Id, ExpiresUtc = hour.AddDays(7), Used = true });
        Response Row(string hash) => new()
        {
            SubmissionId = Guid.NewGuid(), UnitId = counter.UnitId, CounterId = counter.Id, InstrumentVersionId = version.Id, Channel = "qr",
            SubmittedHourUtc = hour, AnswersJson = answers, PayloadHash = hash,
        };
        var byToken = Row(oldHash);
        var byQr = Row(newHash);
        db.Responses.AddRange(byToken, byQr);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        await migrator.MigrateAsync();
        Assert.Contains(target, await db.Database.GetAppliedMigrationsAsync());

        var rows = await db.Responses.AsNoTracking().Where(r => r.Id == byToken.Id || r.Id == byQr.Id).OrderBy(r => r.Id).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(newHash, r.PayloadHash));
        // Column by column, the twins differ only in their ids.
        foreach (var property in typeof(Response).GetProperties().Where(p => p.PropertyType.IsValueType || p.PropertyType == typeof(string)))
        {
            if (property.Name is nameof(Response.Id) or nameof(Response.SubmissionId)) continue;
            Assert.Equal(property.GetValue(rows[0]), property.GetValue(rows[1]));
        }
        // Nothing stored for any response holds the token's hash or the old hash made from it.
        Assert.False(await db.Responses.AnyAsync(r => r.PayloadHash == oldHash || r.PayloadHash.Contains(tokenHash) || r.AnswersJson.Contains(tokenHash)));
    }
}

public sealed class SqliteOldPayloadHashTests : OldPayloadHashTests<SurveyAppFactory>
{
    protected override bool Available => true;
}

public sealed class PostgresOldPayloadHashTests : OldPayloadHashTests<PostgresAppFactory>
{
    protected override bool Available => PostgresAppFactory.ServerConnectionString is not null;
}
