using CchcSurvey.Core.Organisation;

namespace CchcSurvey.Core.Tests.Organisation;

public class CrosswalkTests
{
    // LS → VQ (district) → communes A, B, C (C has a child C1); LS → CL (another district) → D
    private static readonly UnitSnapshot[] Tree =
    [
        new("LS", "Tỉnh Lạng Sơn", null, true, null, "Tỉnh"),
        new("VQ", "Huyện Văn Quan", "LS", true, null, "Huyện"),
        new("A", "Xã A", "VQ", true, null, "Xã"),
        new("B", "Xã B", "VQ", true, null, "Xã"),
        new("C", "Xã C", "VQ", true, null, "Xã"),
        new("C1", "Thôn C1", "C", true, null, "Thôn"),
        new("CL", "Huyện Cao Lộc", "LS", true, null, "Huyện"),
        new("D", "Xã D", "CL", true, null, "Xã"),
        new("OLD", "Xã cũ", "CL", false, "D", "Xã"),
    ];

    private static readonly CounterSnapshot[] Counters = [new("A-Q1", "A"), new("B-Q1", "B"), new("C-Q1", "C"), new("VQ-Q1", "VQ")];

    private static IReadOnlyList<CrosswalkRow> Rows(string csv)
    {
        var rows = Crosswalk.Parse(new StringReader(csv), out var errors);
        Assert.Empty(errors);
        return rows;
    }

    private static ReorganisationPlan Plan(string csv, OfficialSnapshot[]? officials = null, LeadSnapshot[]? leads = null) =>
        ReorganisationPlanner.Plan(Tree, Counters, officials ?? [], Rows(csv), leads);

    private const string Header = "old,new,new_parent,new_name\n";

    [Fact]
    public void Merges_many_into_a_new_unit_and_dissolves_the_district()
    {
        var plan = Plan(Header + "A,N1,LS,Xã Văn Quan\nB,N1,,\nC,C,LS,Xã C mới\nVQ,LS,,\n",
            [new("o1", "a@x", "A"), new("o2", "vq@x", "VQ"), new("o3", "c@x", "C"), new("o4", "c1@x", "C1")],
            [new("t1", "Task led by B", "B")]);
        Assert.True(plan.Ok, string.Join("; ", plan.Errors));
        Assert.Equal([new PlannedUnit("N1", "Xã Văn Quan", "LS", "Xã")], plan.Created);
        Assert.Equal(["A", "B", "VQ"], plan.Merged.Select(m => m.Old).Order().ToArray());
        Assert.Equal("LS", plan.Merged.Single(m => m.Old == "VQ").Into);
        Assert.Equal([new PlannedRename("C", "Xã C", "Xã C mới")], plan.Renamed);
        Assert.Equal([new PlannedMove("C", "VQ", "LS")], plan.Moved);
        Assert.Equal(["A-Q1→N1", "B-Q1→N1", "VQ-Q1→LS"], plan.Counters.Select(c => $"{c.Counter}→{c.To}").Order().ToArray());
        Assert.Equal([new PlannedLead("t1", "Task led by B", "B", "N1")], plan.Leads);
        Assert.Equal("N1", plan.FinalParents["A"]);
        Assert.Equal("LS", plan.FinalParents["N1"]);
        // A's official: N1 would also show B's history → flagged, never silently widened.
        var a = plan.Scopes.Single(s => s.OfficialId == "o1");
        Assert.True(a.Flagged);
        Assert.Equal("N1", a.To);
        Assert.Contains("B", a.Gained);
        // The district's official would get the whole province → flagged.
        Assert.True(plan.Scopes.Single(s => s.OfficialId == "o2").Flagged);
        // C and C1 keep their scope: nothing merged into them.
        Assert.DoesNotContain(plan.Scopes, s => s.OfficialId is "o3" or "o4");
        Assert.False(plan.IsNoOp);
    }

    [Fact]
    public void A_one_to_one_merge_rescopes_without_flagging()
    {
        var plan = Plan(Header + "A,N1,VQ,Xã A mới\n", [new("o1", "a@x", "A")]);
        Assert.True(plan.Ok, string.Join("; ", plan.Errors));
        var scope = Assert.Single(plan.Scopes);
        Assert.False(scope.Flagged);
        Assert.Equal("N1", scope.To);
    }

    [Fact]
    public void Merging_into_an_existing_unit_widens_its_officials_scope_and_is_flagged()
    {
        var plan = Plan(Header + "B,A,,\n", [new("o1", "a@x", "A")]);
        var scope = Assert.Single(plan.Scopes);
        Assert.True(scope.Flagged);
        Assert.Equal("A", scope.To);
        Assert.Equal(["B"], scope.Gained);
    }

    [Fact]
    public void Every_error_is_listed_by_line()
    {
        var plan = Plan(Header +
            "X,N1,LS,Mới\n" +          // 2 unknown unit
            "A,N1,LS,Mới\n" +          // 3 ok
            "A,N2,LS,Hai\n" +          // 4 merged twice
            "B,OLD,,\n" +              // 5 new code clashes with an inactive unit
            "D,C,,\n" +                // 6 ok on its own…
            "C,B,,\n" +                // 7 …but C is merged away while D merges into it; B is merged on line 5
            "N3,N3,,\n" +              // 8 unknown
            "CL,CL,C1,\n" +            // 9 CL under C1 — fine, no cycle
            "VQ,VQ,A,\n");             // 10 parent A is merged away
        Assert.False(plan.Ok);
        Assert.Contains(plan.Errors, e => e.StartsWith("line 2: unknown unit 'X'"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 4: unit 'A' appears twice (also line 3)"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 5: new code 'OLD' clashes"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 6: new code 'C' clashes with a unit merged away on line 7"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 7: new code 'B' clashes with a unit merged away on line 5"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 8: unknown unit 'N3'"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 10: new parent 'A' is inactive"));
        Assert.Empty(plan.Created);
        Assert.Empty(plan.Merged);
    }

    [Fact]
    public void A_cycle_is_an_error()
    {
        var plan = Plan(Header + "VQ,VQ,C1,\n");
        var error = Assert.Single(plan.Errors);
        Assert.StartsWith("line 2: cycle", error);
        Assert.Contains("VQ", error);
    }

    [Fact]
    public void Rows_of_one_new_unit_must_agree_and_a_new_unit_needs_a_name()
    {
        var plan = Plan(Header + "A,N1,LS,Một\nB,N1,VQ,Hai\nC,N2,LS,\n");
        Assert.Contains(plan.Errors, e => e.StartsWith("line 3: new parent of 'N1' differs from line 2"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 3: new name of 'N1' differs from line 2"));
        Assert.Contains(plan.Errors, e => e.StartsWith("line 4: new unit 'N2' needs a new_name"));
    }

    [Fact]
    public void Bad_header_and_bad_fields_are_refused_by_line()
    {
        Crosswalk.Parse(new StringReader("code,parent,name\nA,B,C\n"), out var header);
        Assert.Equal(["line 1: the header must be old,new,new_parent,new_name"], header);
        Crosswalk.Parse(new StringReader(Header + "A,N 1,,\nB,N2\n"), out var fields);
        Assert.Contains(fields, e => e.StartsWith("line 2: new code 'N 1'"));
        Assert.Contains(fields, e => e.StartsWith("line 3: expected 4 fields"));
        Crosswalk.Parse(new StringReader(Header), out var empty);
        Assert.Single(empty);
    }

    [Fact]
    public void The_same_crosswalk_against_the_tree_it_produced_is_a_no_op()
    {
        var csv = Header + "A,N1,LS,Xã Văn Quan\nB,N1,,\nC,C,LS,Xã C mới\n";
        var plan = Plan(csv);
        // The tree after applying the plan.
        var after = Tree.Select(u => plan.Merged.FirstOrDefault(m => m.Old == u.Code) is { } m
                ? u with { Parent = m.Into, Active = false, Successor = m.Into }
                : u with { Parent = plan.FinalParents[u.Code], Name = plan.Renamed.FirstOrDefault(r => r.Code == u.Code)?.To ?? u.Name })
            .Concat(plan.Created.Select(c => new UnitSnapshot(c.Code, c.Name, c.Parent, true, null, c.LevelName)))
            .ToList();
        var again = ReorganisationPlanner.Plan(after, [], [], Rows(csv));
        Assert.True(again.Ok, string.Join("; ", again.Errors));
        Assert.True(again.IsNoOp);
        Assert.Equal(2, again.AlreadyDone);
    }
}
