using System.Globalization;
using CchcSurvey.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CchcSurvey.Web.Surveys;

/// <summary>
/// Inserts a batch of new responses with plain SQL in the caller's transaction: one prepared statement run per row
/// on SQLite, one <c>INSERT … SELECT FROM unnest(arrays)</c> round trip on PostgreSQL. Change tracking and the
/// per-row <c>RETURNING</c> that EF Core's <c>SaveChanges</c> adds cost more than the insert itself on the
/// submission hot path, and nothing downstream needs the generated ids. Values are written in the
/// representations EF Core's providers use (SQLite: upper-case GUID text and "yyyy-MM-dd HH:mm:ss" text), so
/// EF queries find these rows like any other.
/// </summary>
public static class ResponseRows
{
    private const string Columns =
        "\"SubmissionId\", \"UnitId\", \"CounterId\", \"InstrumentVersionId\", \"Channel\", \"SubmittedHourUtc\", \"AnswersJson\", \"PayloadHash\", \"Flags\"";

    public static async Task InsertAsync(SurveyDbContext db, IReadOnlyList<Response> responses, CancellationToken ct)
    {
        if (responses.Count == 0) return;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Responses are inserted inside the writer's transaction.");
        switch (db.Database.GetDbConnection())
        {
            case SqliteConnection sqlite:
                await InsertSqliteAsync(sqlite, (SqliteTransaction)transaction, responses, ct);
                break;
            case NpgsqlConnection postgres:
                await InsertPostgresAsync(postgres, (NpgsqlTransaction)transaction, responses, ct);
                break;
            default:
                throw new NotSupportedException($"No bulk insert for {db.Database.ProviderName}.");
        }
    }

    /// <summary>EF Core's SQLite text form of a UTC hour.</summary>
    internal static string SqliteHour(DateTime hourUtc) => hourUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>EF Core's SQLite text form of a GUID.</summary>
    internal static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    private static async Task InsertSqliteAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Response> responses, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"Responses\" ({Columns}) VALUES ($id, $unit, $counter, $version, $channel, $hour, $answers, $hash, $flags)";
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var unit = command.Parameters.Add("$unit", SqliteType.Integer);
        var counter = command.Parameters.Add("$counter", SqliteType.Integer);
        var version = command.Parameters.Add("$version", SqliteType.Integer);
        var channel = command.Parameters.Add("$channel", SqliteType.Text);
        var hour = command.Parameters.Add("$hour", SqliteType.Text);
        var answers = command.Parameters.Add("$answers", SqliteType.Text);
        var hash = command.Parameters.Add("$hash", SqliteType.Text);
        var flags = command.Parameters.Add("$flags", SqliteType.Integer);
        command.Prepare();
        foreach (var response in responses)
        {
            id.Value = SqliteGuid(response.SubmissionId);
            unit.Value = response.UnitId;
            counter.Value = response.CounterId is int c ? c : DBNull.Value;
            version.Value = response.InstrumentVersionId;
            channel.Value = response.Channel;
            hour.Value = SqliteHour(response.SubmittedHourUtc);
            answers.Value = response.AnswersJson;
            hash.Value = response.PayloadHash;
            flags.Value = response.Flags;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task InsertPostgresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Response> responses, CancellationToken ct)
    {
        var count = responses.Count;
        var ids = new Guid[count];
        var units = new int[count];
        var counters = new int?[count];
        var versions = new int[count];
        var channels = new string[count];
        var hours = new DateTime[count];
        var answers = new string[count];
        var hashes = new string[count];
        var flags = new int[count];
        for (var i = 0; i < count; i++)
        {
            var r = responses[i];
            ids[i] = r.SubmissionId;
            units[i] = r.UnitId;
            counters[i] = r.CounterId;
            versions[i] = r.InstrumentVersionId;
            channels[i] = r.Channel;
            hours[i] = DateTime.SpecifyKind(r.SubmittedHourUtc, DateTimeKind.Utc);
            answers[i] = r.AnswersJson;
            hashes[i] = r.PayloadHash;
            flags[i] = r.Flags;
        }
        await using var command = new NpgsqlCommand(
            $"INSERT INTO \"Responses\" ({Columns}) SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = units });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = counters });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = versions });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = channels });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = hours });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = answers });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = hashes });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = flags });
        await command.ExecuteNonQueryAsync(ct);
    }
}
