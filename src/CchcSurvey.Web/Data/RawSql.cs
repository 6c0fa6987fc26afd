using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CchcSurvey.Web.Data;

/// <summary>
/// A table as plain SQL sees it: its name and the columns of the given entity properties, read from the EF model
/// (<c>GetTableName</c>, <c>GetColumnName(StoreObjectIdentifier)</c>) and quoted by the provider, so that a renamed
/// property or column changes the raw statements along with EF's own. An unknown property fails at once.
/// </summary>
public sealed class RawTable
{
    private readonly Dictionary<string, string> _columns;

    private RawTable(string name, Dictionary<string, string> columns, IReadOnlyList<string> properties)
    {
        Name = name;
        _columns = columns;
        Properties = properties;
    }

    /// <summary>The quoted table name.</summary>
    public string Name { get; }

    /// <summary>The entity properties this table was asked for, in order (what a raw statement writes or reads).</summary>
    public IReadOnlyList<string> Properties { get; }

    /// <summary>The quoted column of a property.</summary>
    public string this[string property] => _columns[property];

    /// <summary>The quoted columns of every property asked for, comma-separated, in order.</summary>
    public string Columns => string.Join(", ", Properties.Select(p => _columns[p]));

    private static readonly ConcurrentDictionary<(Type Context, Type Entity, string Properties), RawTable> Cache = new();

    /// <summary>The table of <typeparamref name="TEntity"/> in this context's model, with the columns of <paramref name="properties"/>.</summary>
    public static RawTable Of<TEntity>(DbContext db, params string[] properties) =>
        Cache.GetOrAdd((db.GetType(), typeof(TEntity), string.Join(',', properties)), _ => Build(db, typeof(TEntity), properties));

    private static RawTable Build(DbContext db, Type entity, string[] properties)
    {
        var type = db.Model.FindEntityType(entity) ?? throw new InvalidOperationException($"{entity.Name} is not in the model.");
        var table = type.GetTableName() ?? throw new InvalidOperationException($"{entity.Name} is not mapped to a table.");
        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in properties)
        {
            var property = type.FindProperty(name) ?? throw new InvalidOperationException($"{entity.Name} has no property {name}.");
            var column = property.GetColumnName(store) ?? throw new InvalidOperationException($"{entity.Name}.{name} has no column in {table}.");
            columns[name] = sql.DelimitIdentifier(column);
        }
        return new RawTable(sql.DelimitIdentifier(table, type.GetSchema()), columns, properties);
    }
}

/// <summary>
/// The plumbing the hand-written statements on measured hot paths share (<c>Surveys/ResponseRows.cs</c>,
/// <c>Indices/CellUpdates.cs</c>, <c>Indices/CellRows.cs</c>): the caller's transaction and connection per provider,
/// the SQLite statement prepared once and run per row (in-process, cheaper than a multi-row statement whose named
/// parameters SQLite scans one by one), and the PostgreSQL array parameters that <c>unnest</c> turns into many rows
/// in one round trip.
/// </summary>
public static class RawSql
{
    /// <summary>The provider's connection and the caller's transaction, in which every raw write runs.</summary>
    public abstract record Target;
    public sealed record SqliteTarget(SqliteConnection Connection, SqliteTransaction Transaction) : Target;
    public sealed record PostgresTarget(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : Target;

    /// <summary>The current transaction's target; <paramref name="purpose"/> says in the error whose transaction is missing.</summary>
    public static Target TargetOf(DbContext db, string purpose)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException(purpose);
        return db.Database.GetDbConnection() switch
        {
            SqliteConnection sqlite => new SqliteTarget(sqlite, (SqliteTransaction)transaction),
            NpgsqlConnection postgres => new PostgresTarget(postgres, (NpgsqlTransaction)transaction),
            _ => throw new NotSupportedException($"No raw statements for {db.Database.ProviderName}."),
        };
    }

    /// <summary>One SQLite parameter of a per-row statement: its name ("$unit"), type and the value of a row.</summary>
    public sealed record SqliteColumn<T>(string Name, SqliteType Type, Func<T, object?> Value);

    /// <summary>
    /// Prepares <paramref name="sql"/> once and runs it for every row with the row's values; returns the sum of the
    /// rows each run changed. Null values are sent as SQL NULL.
    /// </summary>
    public static async Task<int> RunPerRowAsync<T>(SqliteTarget target, string sql, IReadOnlyList<SqliteColumn<T>> columns, IReadOnlyList<T> rows, CancellationToken ct)
    {
        await using var command = target.Connection.CreateCommand();
        command.Transaction = target.Transaction;
        command.CommandText = sql;
        var parameters = columns.Select(c => command.Parameters.Add(c.Name, c.Type)).ToArray();
        command.Prepare();
        var changed = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = columns[i].Value(row) ?? DBNull.Value;
            changed += await command.ExecuteNonQueryAsync(ct);
        }
        return changed;
    }

    /// <summary>A PostgreSQL array parameter of one value per row (for <c>unnest($1, $2, …)</c>).</summary>
    public static NpgsqlParameter<TValue[]> Array<T, TValue>(IReadOnlyList<T> rows, Func<T, TValue> value)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++) values[i] = value(rows[i]);
        return new NpgsqlParameter<TValue[]> { TypedValue = values };
    }

    /// <summary>Runs one multi-row statement whose positional parameters are the given arrays; returns the rows it changed.</summary>
    public static async Task<int> RunArraysAsync(PostgresTarget target, string sql, IEnumerable<NpgsqlParameter> arrays, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, target.Connection, target.Transaction);
        foreach (var array in arrays) command.Parameters.Add(array);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
