using System.Globalization;
using CchcSurvey.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

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
    /// <summary>The table and the columns written, in the order of the statements' values, from the EF model.</summary>
    internal static RawTable Table(DbContext db) => RawTable.Of<Response>(db, nameof(Response.SubmissionId), nameof(Response.UnitId), nameof(Response.CounterId),
        nameof(Response.InstrumentVersionId), nameof(Response.Channel), nameof(Response.SubmittedHourUtc), nameof(Response.AnswersJson),
        nameof(Response.PayloadHash), nameof(Response.Flags));

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
        var table = Table(db);
        return RawSql.TargetOf(db, "Responses are inserted inside the writer's transaction.") switch
        {
            RawSql.SqliteTarget sqlite => await InsertSqliteAsync(sqlite, table, responses, skipStoredIds, ct),
            RawSql.PostgresTarget postgres => await InsertPostgresAsync(postgres, table, responses, skipStoredIds, ct),
            _ => throw new NotSupportedException(),
        };
    }

    /// <summary>EF Core's SQLite text form of a UTC hour.</summary>
    internal static string SqliteHour(DateTime hourUtc) => hourUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>EF Core's SQLite text form of a GUID.</summary>
    internal static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    private static Task<int> InsertSqliteAsync(RawSql.SqliteTarget target, RawTable table, IReadOnlyList<Response> responses, bool skipStoredIds, CancellationToken ct) =>
        RawSql.RunPerRowAsync<Response>(target,
            $"INSERT INTO {table.Name} ({table.Columns}) VALUES ($id, $unit, $counter, $version, $channel, $hour, $answers, $hash, $flags)" +
            (skipStoredIds ? $" ON CONFLICT ({table["SubmissionId"]}) DO NOTHING" : ""),
            [
                new("$id", SqliteType.Text, r => SqliteGuid(r.SubmissionId)), new("$unit", SqliteType.Integer, r => r.UnitId),
                new("$counter", SqliteType.Integer, r => r.CounterId), new("$version", SqliteType.Integer, r => r.InstrumentVersionId),
                new("$channel", SqliteType.Text, r => r.Channel), new("$hour", SqliteType.Text, r => SqliteHour(r.SubmittedHourUtc)),
                new("$answers", SqliteType.Text, r => r.AnswersJson), new("$hash", SqliteType.Text, r => r.PayloadHash),
                new("$flags", SqliteType.Integer, r => r.Flags),
            ], responses, ct);

    private static Task<int> InsertPostgresAsync(RawSql.PostgresTarget target, RawTable table, IReadOnlyList<Response> responses, bool skipStoredIds, CancellationToken ct)
    {
        var id = table["SubmissionId"];
        // Responses is partitioned by month on PostgreSQL, and a partitioned table cannot have a unique index on
        // SubmissionId alone: the id is made unique by the SubmissionIds table, written in the same statement. Only
        // the ids it accepts are inserted (the first of duplicates within the batch), so "on conflict do nothing"
        // keeps its meaning; without it a stored id fails the statement, as the unique index did. SubmissionIds is
        // created by the PostgreSQL migrations' own SQL, not by the EF model, so its name is written here.
        return RawSql.RunArraysAsync(target,
            $"""
            WITH input AS (SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) WITH ORDINALITY AS t({table.Columns}, "Ordinal")),
            fresh AS (INSERT INTO "SubmissionIds" ("SubmissionId") SELECT {id} FROM input{(skipStoredIds ? " ON CONFLICT DO NOTHING" : "")} RETURNING "SubmissionId")
            INSERT INTO {table.Name} ({table.Columns})
            SELECT {table.Columns} FROM (SELECT DISTINCT ON (i.{id}) i.* FROM input i JOIN fresh f ON f."SubmissionId" = i.{id} ORDER BY i.{id}, i."Ordinal") d
            ORDER BY "Ordinal"
            """,
            [
                RawSql.Array(responses, r => r.SubmissionId), RawSql.Array(responses, r => r.UnitId), RawSql.Array(responses, r => r.CounterId),
                RawSql.Array(responses, r => r.InstrumentVersionId), RawSql.Array(responses, r => r.Channel),
                RawSql.Array(responses, r => DateTime.SpecifyKind(r.SubmittedHourUtc, DateTimeKind.Utc)), RawSql.Array(responses, r => r.AnswersJson),
                RawSql.Array(responses, r => r.PayloadHash), RawSql.Array(responses, r => r.Flags),
            ], ct);
    }
}
