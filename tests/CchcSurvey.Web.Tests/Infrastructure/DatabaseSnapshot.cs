using System.Globalization;
using CchcSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace CchcSurvey.Web.Tests.Infrastructure;

/// <summary>
/// Every row of every table of the model as text, on either provider, so that "nothing changed" covers a
/// table added later too. Reading the tables with plain SQL (not through entities) sees every column.
/// </summary>
public static class DatabaseSnapshot
{
    /// <summary>Data Protection keys appear on first use; a token's "last used" minute moves with every bearer read.</summary>
    public static readonly IReadOnlyCollection<string> DefaultIgnored = ["DataProtectionKeys", "ApiTokens.LastUsedUtc"];

    /// <summary>Table name → its rows (sorted), each row as "column=value|…". <paramref name="ignored"/>: tables or Table.Column.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Take(SurveyAppFactory factory, IReadOnlyCollection<string>? ignored = null)
    {
        ignored ??= DefaultIgnored;
        return factory.WithDatabase(db =>
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var tables = db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null)
                .Select(e => (Name: e.GetTableName()!, Schema: e.GetSchema())).Distinct()
                .Where(t => !ignored.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            var connection = db.Database.GetDbConnection();
            db.Database.OpenConnection();
            try
            {
                var snapshot = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var (name, schema) in tables)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT * FROM {sql.DelimitIdentifier(name, schema)}";
                    using var reader = command.ExecuteReader();
                    var rows = new List<string>();
                    while (reader.Read())
                        rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount)
                            .Where(i => !ignored.Contains($"{name}.{reader.GetName(i)}"))
                            .Select(i => $"{reader.GetName(i)}={Text(reader.GetValue(i))}")));
                    rows.Sort(StringComparer.Ordinal);
                    snapshot[name] = rows;
                }
                return (IReadOnlyDictionary<string, IReadOnlyList<string>>)snapshot;
            }
            finally
            {
                db.Database.CloseConnection();
            }
        });
    }

    /// <summary>The tables whose rows differ, with the first differing rows, or "" when equal.</summary>
    public static string Difference(IReadOnlyDictionary<string, IReadOnlyList<string>> before, IReadOnlyDictionary<string, IReadOnlyList<string>> after)
    {
        var lines = new List<string>();
        foreach (var table in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.GetValueOrDefault(table) ?? [];
            var now = after.GetValueOrDefault(table) ?? [];
            var removed = old.Except(now).Take(2).ToList();
            var added = now.Except(old).Take(2).ToList();
            if (removed.Count == 0 && added.Count == 0 && old.Count == now.Count) continue;
            lines.Add($"{table}: {old.Count} → {now.Count} rows; - {string.Join(" ; ", removed)} + {string.Join(" ; ", added)}");
        }
        return string.Join("\n", lines);
    }

    private static string Text(object value) => value switch
    {
        DBNull => "null",
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
