using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Data;

/// <summary>
/// The database for reads that may lag the primary by the standby's replay delay: the statistics behind dashboards,
/// reports, the indices and ranking API, alert scans and publications (<see cref="Indices.IndexQueries"/>), the
/// exports (<see cref="Exports.ExportService"/>) and the public pages. With <c>ConnectionStrings:SurveyReadOnly</c>
/// set it is a context on that standby; without it, the request's own context on the primary.
/// Everything else stays on the primary through the scoped <see cref="SurveyDbContext"/>: every write, token
/// redemption, receipts, sign-in and API-token checks (which write "last used"), access scopes, the audit log,
/// and every page that shows what an official has just changed (comments, alerts, cases, administration).
/// </summary>
public sealed class LaggingReads(SurveyDbContext context)
{
    public SurveyDbContext Context { get; } = context;

    /// <summary>True when the reads go to <c>ConnectionStrings:SurveyReadOnly</c>.</summary>
    public bool OnStandby => Context is IReadOnlySurveyDbContext;
}

/// <summary>A context on the read-only standby: saving through it is a programming error, refused before the database does.</summary>
public interface IReadOnlySurveyDbContext;

public sealed class ReadOnlySqliteSurveyDbContext(DbContextOptions<ReadOnlySqliteSurveyDbContext> options) : SurveyDbContext(options), IReadOnlySurveyDbContext
{
    public override int SaveChanges(bool acceptAllChangesOnSuccess) => throw ReadOnly();
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) => throw ReadOnly();
    internal static InvalidOperationException ReadOnly() => new("This context reads ConnectionStrings:SurveyReadOnly (a standby); writes go through the primary's SurveyDbContext.");
}

public sealed class ReadOnlyPostgresSurveyDbContext(DbContextOptions<ReadOnlyPostgresSurveyDbContext> options) : SurveyDbContext(options), IReadOnlySurveyDbContext
{
    public override int SaveChanges(bool acceptAllChangesOnSuccess) => throw ReadOnlySqliteSurveyDbContext.ReadOnly();
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) => throw ReadOnlySqliteSurveyDbContext.ReadOnly();
}
