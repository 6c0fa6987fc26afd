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

    /// <summary>Inserts every response; a submission id already stored is an error (the caller checked first).</summary>
    public static async Task InsertAsync(SurveyDbContext db, IReadOnlyList<Response> responses, CancellationToken ct)
    {
        var inserted = await InsertAsync(db, responses, skipStoredIds: false, ct);
        if (inserted != responses.Count) throw new InvalidOperationException($"Inserted {inserted} of {responses.Count} responses.");
    }

    /// <summary>
    /// Inserts the responses whose submission id is not stored yet (nor earlier in the list) and returns how many
    /// went in; the others are skipped without an error.
    /// </summary>
    public static Task<int> InsertNewAsync(SurveyDbContext db, IReadOnlyList<Response> responses, CancellationToken ct) =>
        InsertAsync(db, responses, skipStoredIds: true, ct);

    private static async Task<int> InsertAsync(SurveyDbContext db, IReadOnlyList<Response> responses, bool skipStoredIds, CancellationToken ct)
    {
        if (responses.Count == 0) return 0;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Responses are inserted inside the writer's transaction.");
        var onConflict = skipStoredIds ? " ON CONFLICT (\"SubmissionId\") DO NOTHING" : "";
        return db.Database.GetDbConnection() switch
        {
            SqliteConnection sqlite => await InsertSqliteAsync(sqlite, (SqliteTransaction)transaction, responses, onConflict, ct),
            NpgsqlConnection postgres => await InsertPostgresAsync(postgres, (NpgsqlTransaction)transaction, responses, onConflict, ct),
            _ => throw new NotSupportedException($"No bulk insert for {db.Database.ProviderName}."),
        };
    }

    /// <summary>EF Core's SQLite text form of a UTC hour.</summary>
    internal static string SqliteHour(DateTime hourUtc) => hourUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>EF Core's SQLite text form of a GUID.</summary>
    internal static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    private static async Task<int> InsertSqliteAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Response> responses, string onConflict, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"Responses\" ({Columns}) VALUES ($id, $unit, $counter, $version, $channel, $hour, $answers, $hash, $flags){onConflict}";
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
        var inserted = 0;
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
            inserted += await command.ExecuteNonQueryAsync(ct);
        }
        return inserted;
    }

    private static async Task<int> InsertPostgresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Response> responses, string onConflict, CancellationToken ct)
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
        // Responses is partitioned by month on PostgreSQL, and a partitioned table cannot have a unique index on
        // SubmissionId alone: the id is made unique by the SubmissionIds table, written in the same statement. Only
        // the ids it accepts are inserted (the first of duplicates within the batch), so "on conflict do nothing"
        // keeps its meaning; without it a stored id fails the statement, as the unique index did.
        await using var command = new NpgsqlCommand(
            $"""
            WITH input AS (SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) WITH ORDINALITY AS t({Columns}, "Ordinal")),
            fresh AS (INSERT INTO "SubmissionIds" ("SubmissionId") SELECT "SubmissionId" FROM input{(onConflict.Length > 0 ? " ON CONFLICT DO NOTHING" : "")} RETURNING "SubmissionId")
            INSERT INTO "Responses" ({Columns})
            SELECT {Columns} FROM (SELECT DISTINCT ON (i."SubmissionId") i.* FROM input i JOIN fresh f ON f."SubmissionId" = i."SubmissionId" ORDER BY i."SubmissionId", i."Ordinal") d
            ORDER BY "Ordinal"
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = units });
        command.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = counters });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = versions });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = channels });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = hours });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = answers });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = hashes });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = flags });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
