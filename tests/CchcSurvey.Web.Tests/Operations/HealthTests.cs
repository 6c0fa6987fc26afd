using System.Net;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace CchcSurvey.Web.Tests.Operations;

/// <summary>/healthz (liveness: the app and its database answer) and /healthz/ready (writable, migrated, writer running).</summary>
public sealed class HealthTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    [Fact]
    public async Task Both_probes_answer_200_on_a_healthy_site()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_migration_makes_the_site_unready_but_alive()
    {
        var client = factory.CreateClient();
        string? id;
        await using (var connection = new SqliteConnection($"Data Source={factory.DatabaseFile}"))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId DESC LIMIT 1";
            id = (string?)await read.ExecuteScalarAsync();
            await using var delete = connection.CreateCommand();
            delete.CommandText = $"DELETE FROM __EFMigrationsHistory WHERE MigrationId = '{id}'";
            await delete.ExecuteNonQueryAsync();
        }
        try
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            await using var connection = new SqliteConnection($"Data Source={factory.DatabaseFile}");
            await connection.OpenAsync();
            await using var restore = connection.CreateCommand();
            restore.CommandText = $"INSERT INTO __EFMigrationsHistory (MigrationId, ProductVersion) VALUES ('{id}', '10.0.0')";
            await restore.ExecuteNonQueryAsync();
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);
    }
}

/// <summary>On PostgreSQL a read-only database (as a standby is) is alive but not ready.</summary>
public sealed class PostgresHealthTests : IDisposable
{
    private readonly PostgresAppFactory? _factory = PostgresAppFactory.ServerConnectionString is null ? null : new PostgresAppFactory();

    [SkippableFact]
    public async Task A_read_only_database_is_alive_but_not_ready()
    {
        Skip.If(_factory is null, "CCHC_TEST_POSTGRES is not set.");
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);
        var database = _factory.WithDatabase(db => db.Database.GetDbConnection().Database);
        await Execute($"ALTER DATABASE \"{database}\" SET default_transaction_read_only = on");
        NpgsqlConnection.ClearAllPools();
        try
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            await Execute($"ALTER DATABASE \"{database}\" RESET default_transaction_read_only");
            NpgsqlConnection.ClearAllPools();
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);
    }

    private static async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresAppFactory.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _factory?.Dispose();
}

/// <summary>A production site refuses to start on the development defaults.</summary>
public sealed class ProductionSettingsTests
{
    private sealed class WithoutDatabase : SurveyAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Survey", "");
        }
    }

    [Fact]
    public void Production_without_a_connection_string_does_not_start_and_names_the_key()
    {
        using var factory = new WithoutDatabase();
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var message = error is InvalidOperationException ? error.Message : error.InnerException?.Message ?? error.Message;
        Assert.Contains("ConnectionStrings:Survey", message, StringComparison.Ordinal);
        Assert.Contains("docs/deployment.md", message, StringComparison.Ordinal);
    }
}
