using System.Data.Common;
using CchcSurvey.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
        if (options.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Survey is empty.");
            services.AddDbContextPool<SurveyDbContext, PostgresSurveyDbContext>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(Shared(sp)));
        }
        else
        {
            var sqlite = SqliteConnectionString(connectionString, contentRoot);
            var pragmas = new SqlitePragmaInterceptor(options.SqliteSynchronous);
            services.AddDbContextPool<SurveyDbContext, SqliteSurveyDbContext>((sp, o) => o.UseSqlite(sqlite).AddInterceptors([pragmas, .. Shared(sp)]));
        }
        services.AddSingleton<Surveys.SubmissionLookups>();
        services.AddSingleton<Surveys.SubmissionLookupsInvalidation>();
        return services;
    }

    /// <summary>Interceptors for both providers.</summary>
    private static IInterceptor[] Shared(IServiceProvider services) =>
        [services.GetRequiredService<Surveys.SubmissionLookupsInvalidation>(), ConnectionFailures];

    private static readonly Operations.ConnectionFailureInterceptor ConnectionFailures = new();

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
