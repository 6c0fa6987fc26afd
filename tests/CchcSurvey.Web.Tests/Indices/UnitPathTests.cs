using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>The materialised-path helper: subtree, ancestors, depth, and the prefix trap ("/1/2/" is not above "/1/23/").</summary>
public sealed class UnitPathTests
{
    [Theory]
    [InlineData("/1/2/", "/1/2/", true)]
    [InlineData("/1/2/7/", "/1/2/", true)]
    [InlineData("/1/23/", "/1/2/", false)]     // the prefix trap
    [InlineData("/1/23/", "/1/2", false)]      // a root given without its trailing slash is not a bare prefix either
    [InlineData("/1/2/", "/1/2", true)]
    [InlineData("/1/", "/1/2/", false)]        // an ancestor is not within its descendant
    [InlineData("/12/", "/1/", false)]
    [InlineData("/5/9/", "/1/", false)]
    public void IsWithin_matches_whole_ids_only(string path, string root, bool within) =>
        Assert.Equal(within, UnitPath.IsWithin(path, root));

    [Fact]
    public void IsBelow_excludes_the_unit_itself()
    {
        Assert.False(UnitPath.IsBelow("/1/2/", "/1/2/"));
        Assert.True(UnitPath.IsBelow("/1/2/3/", "/1/2/"));
        Assert.False(UnitPath.IsBelow("/1/23/", "/1/2/"));
    }

    [Fact]
    public void Ids_ancestors_and_depth_read_the_path()
    {
        Assert.Equal([1, 4, 9], UnitPath.Ids("/1/4/9/"));
        Assert.Equal([1, 4], UnitPath.AncestorIds("/1/4/9/"));
        Assert.Empty(UnitPath.AncestorIds("/1/"));
        Assert.Equal(0, UnitPath.Depth("/1/"));
        Assert.Equal(2, UnitPath.Depth("/1/4/9/"));
        Assert.Equal("/1/4/10/", UnitPath.Of("/1/4/", 10));
        Assert.Equal("/1/4/10/", UnitPath.Of("/1/4", 10));
        Assert.Equal("/7/", UnitPath.Of((string?)null, 7));
        Assert.Equal("/1/4/9/", UnitPath.Of([1, 4, 9]));
    }

    [Fact]
    public void The_query_form_agrees_with_the_memory_form()
    {
        string[] paths = ["/1/", "/1/2/", "/1/2/7/", "/1/23/", "/1/23/2/", "/12/"];
        foreach (var root in new[] { "/1/", "/1/2/", "/1/2", "/1/23/", "/12/" })
        {
            var compiled = UnitPath.Within<string>(p => p, root).Compile();
            Assert.Equal(paths.Where(p => UnitPath.IsWithin(p, root)), paths.Where(compiled));
        }
    }
}

/// <summary><see cref="UnitPath.Within{T}"/> translates to SQL on each provider (a parameter, not inlined) and finds the subtree, not its neighbours.</summary>
public abstract class UnitPathQueryTestsBase(SurveyAppFactory factory)
{
    protected virtual void RequireServer() { }

    [SkippableFact]
    public void Within_runs_in_the_database_and_avoids_the_prefix_trap()
    {
        RequireServer();
        // A unit "/r/a/" with a child, and a neighbour whose path is "/r/a0/": a bare prefix "/r/a" would take it in.
        var (root, a, trap) = factory.WithDatabase(db =>
        {
            var parent = db.Units.OrderBy(u => u.Id).First(u => u.ParentId == null);
            var first = new Unit { Code = "UP-A-" + Guid.NewGuid().ToString("N")[..6], Name = "A", LevelName = "", ParentId = parent.Id };
            db.Units.Add(first);
            db.SaveChanges();
            first.Path = UnitPath.Of(parent.Path, first.Id);
            var neighbour = new Unit { Code = "UP-B-" + Guid.NewGuid().ToString("N")[..6], Name = "B", LevelName = "", ParentId = parent.Id };
            db.Units.Add(neighbour);
            db.SaveChanges();
            // Written by hand (its real id differs): the path text is what the trap is about.
            neighbour.Path = parent.Path + first.Id + "0/";
            var child = new Unit { Code = "UP-C-" + Guid.NewGuid().ToString("N")[..6], Name = "C", LevelName = "", ParentId = first.Id };
            db.Units.Add(child);
            db.SaveChanges();
            child.Path = UnitPath.Of(first.Path, child.Id);
            db.SaveChanges();
            return (parent.Path, first.Path, neighbour.Path);
        });
        Assert.StartsWith(a.TrimEnd('/'), trap); // the trap is set: a bare prefix would match

        var (sql, found) = factory.WithDatabase(db =>
        {
            var query = db.Units.Where(UnitPath.Within<Unit>(u => u.Path, a)).Select(u => u.Path);
            return (query.ToQueryString(), query.ToList());
        });
        Assert.Equal(2, found.Count);
        Assert.All(found, p => Assert.StartsWith(a, p));
        Assert.DoesNotContain(trap, found);
        // The root travels as a parameter (declared above the statement by ToQueryString), never inlined in it.
        Assert.DoesNotContain(a, sql[sql.IndexOf("SELECT", StringComparison.Ordinal)..]);
        // Through a navigation too (counters of the subtree), and the whole tree from its root.
        Assert.Contains(trap, factory.WithDatabase(db => db.Units.Where(UnitPath.Within<Unit>(u => u.Path, root)).Select(u => u.Path).ToList()));
        Assert.Equal(0, factory.WithDatabase(db => db.Counters.Count(UnitPath.Within<Counter>(c => c.Unit.Path, a))));
    }
}

public sealed class UnitPathQueryTests(SurveyAppFactory factory) : UnitPathQueryTestsBase(factory), IClassFixture<SurveyAppFactory>;

public sealed class UnitPathQueryPostgresTests(PostgresAppFactory factory) : UnitPathQueryTestsBase(factory), IClassFixture<PostgresAppFactory>
{
    protected override void RequireServer() => Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");
}
