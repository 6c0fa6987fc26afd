using System.Data.Common;
using CchcSurvey.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CchcSurvey.Web.Data;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers <see cref="SurveyDbContext"/> for the configured provider: SQLite (a file under
    /// <c>data/</c> by default, WAL, foreign keys on) or PostgreSQL (<c>ConnectionStrings:Survey</c>).
    /// Contexts are pooled: building the options and a fresh context for every request was a visible share of
    /// the CPU of each submission (every request that touches the database gets a context).
    /// </summary>
    public static IServiceCollection AddSurveyDatabase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = configuration.GetConnectionString("Survey");
        var readOnly = configuration.GetConnectionString("SurveyReadOnly");
        if (options.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Survey is empty.");
            var primary = PostgresConnectionString(connectionString, "primary");
            services.AddDbContextPool<SurveyDbContext, PostgresSurveyDbContext>((sp, o) => o.UseNpgsql(primary).AddInterceptors(Shared(sp)));
            if (!string.IsNullOrWhiteSpace(readOnly))
            {
                var standby = PostgresConnectionString(readOnly, "prefer-standby");
                services.AddDbContextPool<ReadOnlyPostgresSurveyDbContext>((sp, o) => o.UseNpgsql(standby)
                    .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking).AddInterceptors(ConnectionFailures));
                services.AddScoped(sp => new LaggingReads(sp.GetRequiredService<ReadOnlyPostgresSurveyDbContext>()));
            }
        }
        else
        {
            var sqlite = SqliteConnectionString(connectionString, contentRoot);
            var pragmas = new SqlitePragmaInterceptor(options.SqliteSynchronous);
            services.AddDbContextPool<SurveyDbContext, SqliteSurveyDbContext>((sp, o) => o.UseSqlite(sqlite).AddInterceptors([pragmas, .. Shared(sp)]));
            if (!string.IsNullOrWhiteSpace(readOnly))
            {
                // A copy of the file (a backup, or a file replicated by other means), opened read-only.
                var copy = new SqliteConnectionStringBuilder(SqliteConnectionString(readOnly, contentRoot)) { Mode = SqliteOpenMode.ReadOnly }.ToString();
                services.AddDbContextPool<ReadOnlySqliteSurveyDbContext>((sp, o) => o.UseSqlite(copy)
                    .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking).AddInterceptors(ConnectionFailures));
                services.AddScoped(sp => new LaggingReads(sp.GetRequiredService<ReadOnlySqliteSurveyDbContext>()));
            }
        }
        // Without a standby, lagging reads are the request's own reads on the primary.
        services.TryAddScoped(sp => new LaggingReads(sp.GetRequiredService<SurveyDbContext>()));
        services.AddSingleton<Surveys.SubmissionLookups>();
        services.AddSingleton<Surveys.SubmissionLookupsInvalidation>();
        return services;
    }

    /// <summary>Interceptors for both providers.</summary>
    private static IInterceptor[] Shared(IServiceProvider services) =>
        [services.GetRequiredService<Surveys.SubmissionLookupsInvalidation>(), ConnectionFailures];

    private static readonly Operations.ConnectionFailureInterceptor ConnectionFailures = new();

    /// <summary>
    /// With several hosts (<c>Host=db1,db2</c>) Npgsql picks one by its role: the primary for writes, a standby (or
    /// the primary when none answers) for lagging reads, unless the operator chose otherwise. Npgsql remembers each
    /// host's role for <c>Host Recheck Seconds</c> (10 by default): after a fail-over it keeps taking the promoted
    /// standby for a standby that long, so answers stopped for about 10 s. One second keeps the recheck cheap (a
    /// query only when a connection is opened) and brings answers back within a few seconds of the promotion.
    /// </summary>
    internal static string PostgresConnectionString(string configured, string targetSessionAttributes)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (builder.Host?.Contains(',', StringComparison.Ordinal) != true) return configured;
        if (!configured.Contains("Target Session Attributes", StringComparison.OrdinalIgnoreCase)
            && !configured.Contains("TargetSessionAttributes", StringComparison.OrdinalIgnoreCase))
            builder.TargetSessionAttributes = targetSessionAttributes;
        if (!configured.Contains("Host Recheck Seconds", StringComparison.OrdinalIgnoreCase)
            && !configured.Contains("HostRecheckSeconds", StringComparison.OrdinalIgnoreCase))
            builder.HostRecheckSeconds = 1;
        return builder.ToString();
    }

    internal static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={RepositoryPaths.DefaultSqliteFile(contentRoot)}"
            : configured)
        {
            ForeignKeys = true,
            DefaultTimeout = 30,
        };
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && !file.StartsWith("file:", StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(file, RepositoryPaths.Root(contentRoot));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            builder.DataSource = full;
        }
        return builder.ToString();
    }
}

/// <summary>
/// Applies per-connection SQLite settings. WAL is persistent in the file (set once at start-up);
/// synchronous is per connection, so it is set on every open.
/// </summary>
internal sealed class SqlitePragmaInterceptor(string synchronous) : DbConnectionInterceptor
{
    private readonly string _sql = $"PRAGMA synchronous={Sanitise(synchronous)};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        // SHA-256 as the app computes payload hashes (lower-case hex of the UTF-8 text), for migrations that recompute
        // them in SQL (UnlinkableOldPayloadHashes); PostgreSQL has sha256() built in. Applied by the app's own start-up
        // migration, so a migration tool without this connection setup cannot run that migration.
        if (connection is SqliteConnection sqlite)
            sqlite.CreateFunction("cchc_sha256_hex", (string? text) =>
                text is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), isDeterministic: true);
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }

    private static string Sanitise(string value) => value.ToUpperInvariant() switch
    {
        "OFF" or "NORMAL" or "FULL" or "EXTRA" => value.ToUpperInvariant(),
        _ => throw new InvalidOperationException($"Database:SqliteSynchronous must be OFF, NORMAL, FULL or EXTRA, not '{value}'."),
    };
}

/// <summary>Design-time factory for <c>dotnet ef migrations add … --context SqliteSurveyDbContext</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSurveyDbContext>
{
    public SqliteSurveyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSurveyDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Design-time factory for <c>dotnet ef migrations add … --context PostgresSurveyDbContext</c>.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSurveyDbContext>
{
    public PostgresSurveyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSurveyDbContext>().UseNpgsql("Host=localhost;Database=cchc_design").Options);
}
