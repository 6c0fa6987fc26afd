using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CchcSurvey.Web.Plans;
using CchcSurvey.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Plans;

/// <summary>The plans API of CONTRACT.md on the demo plan VQ-2023, on SQLite and on PostgreSQL.</summary>
public abstract class PlanApiTests(SurveyAppFactory factory)
{
    protected abstract void RequireDatabase();

    private static readonly string[] DemoCriteria = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "demo", "van-quan-2023-plan.csv"))
        .Skip(1).Where(l => l.Length > 0).Select(l => l[..l.IndexOf(',')]).ToArray();

    private static async Task<JsonElement> JsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static IEnumerable<JsonElement> Tasks(JsonElement plan) => plan.GetProperty("criteria").EnumerateArray().SelectMany(c => c.GetProperty("tasks").EnumerateArray());

    private static int Sum(JsonElement plan) => plan.GetProperty("summary").EnumerateObject().Sum(p => p.Value.GetInt32());

    [SkippableFact]
    public async Task The_demo_plan_has_every_criterion_of_the_demo_file_and_the_seed_tasks_in_four_buckets()
    {
        RequireDatabase();
        var admin = await AdminAsync(factory);
        var list = await JsonAsync(admin, "/api/v1/plans");
        var demo = list.EnumerateArray().Single(p => p.GetProperty("code").GetString() == "VQ-2023");
        Assert.Equal("VQ", demo.GetProperty("unit").GetString());
        Assert.Equal("2023-11-20", demo.GetProperty("deadline").GetString());
        Assert.Equal(["code", "deadline", "title", "unit"], demo.EnumerateObject().Select(p => p.Name).Order());

        var plan = await JsonAsync(admin, "/api/v1/plans/VQ-2023?asOf=2023-12-31");
        Assert.Equal(["asOf", "code", "criteria", "deadline", "summary", "title", "unit"], plan.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("2023-12-31", plan.GetProperty("asOf").GetString());
        Assert.Equal(DemoCriteria, plan.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("code").GetString()!));
        var tasks = Tasks(plan).ToList();
        Assert.Equal(56, tasks.Count);
        Assert.All(tasks, t => Assert.Equal("2023-11-20", t.GetProperty("deadline").GetString()));
        Assert.All(tasks, t => Assert.NotEmpty(t.GetProperty("lead").GetProperty("units").EnumerateArray()));
        var summary = plan.GetProperty("summary");
        Assert.Equal(["done_late", "done_on_time", "open_in_time", "open_overdue"], summary.EnumerateObject().Select(p => p.Name).Order());
        Assert.All(summary.EnumerateObject(), p => Assert.True(p.Name == "open_in_time" ? p.Value.GetInt32() == 0 : p.Value.GetInt32() > 0, p.Name));
        Assert.Equal(56, Sum(plan));
        foreach (var bucket in new[] { "done_on_time", "done_late", "open_overdue" })
            Assert.Equal(summary.GetProperty(bucket).GetInt32(), tasks.Count(t => t.GetProperty("bucket").GetString() == bucket));

        // The collective lead "UBND các xã, thị trấn" is the town and the 16 communes.
        var communes = Tasks(plan).First(t => t.GetProperty("code").GetString() == "PAPI-3.7-1").GetProperty("lead").GetProperty("units")
            .EnumerateArray().Select(u => u.GetString()).ToList();
        Assert.Equal(17, communes.Count);
        Assert.Contains("VQ-TT", communes);
        Assert.Contains("VQ-AS", communes);
        Assert.DoesNotContain("VQ-NV", communes);

        var criteria = plan.GetProperty("criteria").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetString()!);
        Assert.Equal("SIPAS-DV:index", criteria["SIPAS-2.2"].GetProperty("measuredBy").GetString());
        Assert.Equal("PAPI-M:D5", criteria["PAPI-3.5"].GetProperty("measuredBy").GetString());
        Assert.Equal(JsonValueKind.Object, criteria["SIPAS-2.2"].GetProperty("figure").ValueKind);
        Assert.Equal(JsonValueKind.Null, criteria["PAR-1.2.1"].GetProperty("figure").ValueKind);
        Assert.Equal(60, criteria["PAR-1.2.7.1"].GetProperty("target").GetProperty("value").GetDouble());
        Assert.Equal("%", criteria["PAR-1.2.7.1"].GetProperty("target").GetProperty("unit").GetString());
        Assert.Equal(["VQ-NV"], criteria["PAR-1.2.4.1"].GetProperty("lead").GetProperty("units").EnumerateArray().Select(u => u.GetString()));

        // As of before the plan started nothing is done and nothing is late.
        var before = await JsonAsync(admin, "/api/v1/plans/VQ-2023?asOf=2023-06-01");
        Assert.Equal(56, before.GetProperty("summary").GetProperty("open_in_time").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/plans/VQ-2023?asOf=20-11-2023")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/plans/KHONG-CO")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/v1/plans")).StatusCode);
    }

    [SkippableFact]
    public async Task A_commune_sees_its_own_tasks_reports_progress_and_the_coordinator_sees_it()
    {
        RequireDatabase();
        var manager = await OfficialAsync(factory, "manager", "VQ-HL");
        var mine = await JsonAsync(manager, "/api/v1/plans/VQ-2023");
        var tasks = Tasks(mine).ToList();
        Assert.NotEmpty(tasks);
        Assert.All(tasks, t => Assert.Equal(["VQ-HL"], t.GetProperty("lead").GetProperty("units").EnumerateArray().Select(u => u.GetString())));
        Assert.DoesNotContain(tasks, t => t.GetProperty("code").GetString() == "PAR-1.2.2-1");   // Phòng Tư pháp's
        Assert.Equal(tasks.Count, Sum(mine));

        // PAPI-3.1-1 was never reported in the demo (every sixth task): open and overdue, then done today (late).
        var admin = await AdminAsync(factory);
        var open = Tasks(await JsonAsync(admin, "/api/v1/plans/VQ-2023")).Single(t => t.GetProperty("code").GetString() == "PAPI-3.1-1");
        var before = await JsonAsync(admin, "/api/v1/plans/VQ-2023");
        var report = await manager.PostAsJsonAsync("/api/v1/plans/VQ-2023/tasks/PAPI-3.1-1/progress", new { status = "done", note = "Đã ra quân dọn vệ sinh 12 thôn." });
        Assert.Equal(HttpStatusCode.Created, report.StatusCode);
        var after = await JsonAsync(admin, "/api/v1/plans/VQ-2023");
        var done = Tasks(after).Single(t => t.GetProperty("code").GetString() == "PAPI-3.1-1");
        Assert.Equal("done", done.GetProperty("status").GetString());
        Assert.Equal("done_late", done.GetProperty("bucket").GetString());
        Assert.Equal("open_overdue", open.GetProperty("bucket").GetString());
        Assert.Equal(before.GetProperty("summary").GetProperty("open_overdue").GetInt32() - 1, after.GetProperty("summary").GetProperty("open_overdue").GetInt32());
        Assert.Equal(1, factory.WithDatabase(db => db.AuditEntries.Count(a => a.Action == "plan-progress" && a.Target == "VQ-2023/PAPI-3.1-1")));
    }

    [SkippableFact]
    public async Task Viewers_others_and_bad_input_store_nothing()
    {
        RequireDatabase();
        var count = () => factory.WithDatabase(db => db.PlanTaskProgress.Count());
        var stored = count();
        var viewer = await OfficialAsync(factory, "viewer", "VQ-KK");
        var manager = await OfficialAsync(factory, "manager", "VQ-KK");
        var progress = new { status = "done", note = "x" };
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/plans/VQ-2023/tasks/PAPI-3.7-1/progress", progress)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/plans/VQ-2023/tasks/PAR-1.2.2-1/progress", progress)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync("/api/v1/plans/VQ-2023/tasks/PAR-1.2.2-1/progress", progress)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync("/api/v1/plans/VQ-2023/tasks/KHONG-CO/progress", progress)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync("/api/v1/plans/KHONG-CO/tasks/PAPI-3.7-1/progress", progress)).StatusCode);

        foreach (var (body, field) in new (object, string)[]
        {
            (new { status = "xong", note = "" }, "status"),
            (new { status = "done", note = "", date = "20/13/2023" }, "date"),
            (new { status = "done", note = "", date = "2999-01-01" }, "date"),
            (new { status = "done", note = new string('x', 4001) }, "note"),
        })
        {
            var answer = await manager.PostAsJsonAsync("/api/v1/plans/VQ-2023/tasks/PAPI-3.8-1/progress", body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Contains(field, await answer.Content.ReadAsStringAsync());
        }
        var wrongType = await manager.PostAsync("/api/v1/plans/VQ-2023/tasks/PAPI-3.8-1/progress", new StringContent("status=done", MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded")));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(stored, count());
    }

    [SkippableFact]
    public async Task A_plan_of_a_sibling_commune_is_invisible()
    {
        RequireDatabase();
        using (var scope = factory.Services.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<PlanService>();
            var (result, errors) = await service.ImportAsync(null, "test", new PlanHeader("KH-BP-2024", "Kế hoạch của xã Bình Phúc", "VQ-BP", 2024, new(2024, 1, 1), new(2024, 11, 20)),
                new StringReader("code,index,title,lead,implementers,target,measured_by\nC1,PAPI,Tiêu chí,Xã Bình Phúc,,,\n"),
                new StringReader("criterion,code,title,lead,units,deadline\nC1,C1-1,Nhiệm vụ,Xã Bình Phúc,,\n"), CancellationToken.None);
            Assert.True(result.Ok, string.Join("; ", errors));
        }
        var other = await OfficialAsync(factory, "manager", "VQ-TX");
        Assert.DoesNotContain("KH-BP-2024", await other.GetStringAsync("/api/v1/plans"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/plans/KH-BP-2024")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/api/v1/plans/KH-BP-2024/tasks/C1-1/progress", new { status = "done", note = "" })).StatusCode);
        var own = await OfficialAsync(factory, "manager", "VQ-BP");
        Assert.Contains("KH-BP-2024", await own.GetStringAsync("/api/v1/plans"));
        var district = await OfficialAsync(factory, "viewer", "VQ");
        Assert.Contains("KH-BP-2024", await district.GetStringAsync("/api/v1/plans"));
    }
}

public sealed class SqlitePlanApiTests(SurveyAppFactory factory) : PlanApiTests(factory), IClassFixture<SurveyAppFactory>
{
    protected override void RequireDatabase() { }
}

public sealed class PostgresPlanApiTests(PostgresAppFactory factory) : PlanApiTests(factory), IClassFixture<PostgresAppFactory>
{
    protected override void RequireDatabase() => Skip.If(PostgresAppFactory.ServerConnectionString is null, "CCHC_TEST_POSTGRES is not set");
}
