using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Surveys;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Data;

/// <summary>
/// The hand-written statements (<see cref="ResponseRows"/>, <see cref="CellUpdates"/>, <see cref="CellRows"/>) take their
/// table and column names from the EF model (<see cref="RawTable"/>): every name they use is the model's, and the
/// migrated database of each provider has that table with those columns.
/// </summary>
public abstract class RawSqlNamesTestsBase(SurveyAppFactory factory)
{
    protected virtual void RequireServer() { }

    public static TheoryData<string> Helpers => ["ResponseRows", "CellUpdates", "CellRows"];

    private static RawTable TableOf(string helper, SurveyDbContext db) => helper switch
    {
        "ResponseRows" => ResponseRows.Table(db),
        "CellUpdates" => CellUpdates.Table(db),
        "CellRows" => CellRows.Table(db),
        _ => throw new ArgumentOutOfRangeException(nameof(helper)),
    };

    private static Type EntityOf(string helper) => helper == "ResponseRows" ? typeof(Response) : typeof(StatisticsCell);

    private static string Unquote(string name) => name.Trim('"');

    [SkippableTheory]
    [MemberData(nameof(Helpers))]
    public void Every_name_a_raw_statement_uses_is_the_models_and_the_databases(string helper)
    {
        RequireServer();
        factory.WithDatabase(db =>
        {
            var table = TableOf(helper, db);
            var entity = db.Model.FindEntityType(EntityOf(helper))!;
            var tableName = entity.GetTableName()!;
            Assert.Equal(tableName, Unquote(table.Name));
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(tableName, entity.GetSchema());
            Assert.NotEmpty(table.Properties);
            foreach (var property in table.Properties)
                Assert.Equal(entity.FindProperty(property)!.GetColumnName(store), Unquote(table[property]));

            // The migrated database has that table and every one of those columns.
            var sql = db.Database.IsNpgsql()
                ? $"SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{tableName}'"
                : $"SELECT name AS \"Value\" FROM pragma_table_info('{tableName}')";
            var actual = db.Database.SqlQueryRaw<string>(sql).ToList();
            Assert.NotEmpty(actual);
            foreach (var property in table.Properties)
                Assert.Contains(Unquote(table[property]), actual);
            Assert.Equal(table.Properties.Count, table.Columns.Split(", ").Length);
            return 0;
        });
    }

    [SkippableFact]
    public void A_property_the_model_does_not_have_fails_at_once()
    {
        RequireServer();
        var error = Assert.Throws<InvalidOperationException>(() => factory.WithDatabase(db => RawTable.Of<Response>(db, "SubmissionId", "NoSuchColumn")));
        Assert.Contains("NoSuchColumn", error.Message);
    }
}

public sealed class RawSqlNamesTests(SurveyAppFactory factory) : RawSqlNamesTestsBase(factory), IClassFixture<SurveyAppFactory>;

public sealed class RawSqlNamesPostgresTests(PostgresAppFactory factory) : RawSqlNamesTestsBase(factory), IClassFixture<PostgresAppFactory>
{
    protected override void RequireServer() => Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");
}
