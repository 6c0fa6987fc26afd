using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CchcSurvey.Web.Administration;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Plans;
using CchcSurvey.Web.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CchcSurvey.Web.Tests.Pages.Comments.WorkspaceSteps;

namespace CchcSurvey.Web.Tests.Plans;

/// <summary>The plan pages over HTTP: the report's counts equal the plan page's, the .docx holds the same numbers, evidence files, CSV import errors, unit merges.</summary>
public sealed class PlanPagesTests(SurveyAppFactory factory) : IClassFixture<SurveyAppFactory>
{
    private static Dictionary<string, int> Buckets(string html, string scope)
    {
        var start = html.IndexOf(scope, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{scope}' is not on the page");
        var row = html[start..];
        return Regex.Matches(row, "data-bucket=\"(\\w+)\">([\\d.]+)<").Take(4)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value.Replace(".", ""), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_report_counts_equal_the_plan_page_and_the_docx_holds_the_same_numbers()
    {
        var admin = await AdminAsync(factory);
        foreach (var asOf in new[] { "2023-06-01", "2023-11-20", "2023-11-25", "2023-12-31" })
        {
            var page = await admin.GetStringAsync($"/plans/VQ-2023?asOf={asOf}");
            var pageCounts = Buckets(page, "<table class=\"buckets\"");
            Assert.Equal(56, pageCounts.Values.Sum());
            var report = await admin.GetStringAsync($"/plans/VQ-2023/report?asOf={asOf}");
            Assert.Equal(pageCounts, Buckets(report, "data-row=\"Tổng số\""));

            var docx = await admin.GetAsync($"/plans/VQ-2023/report?asOf={asOf}&format=docx");
            Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
            Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.Content.Headers.ContentType?.MediaType);
            using var document = WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false);
            var tables = document.MainDocumentPart!.Document!.Body!.Elements<DocumentFormat.OpenXml.Wordprocessing.Table>().ToList();
            var total = tables.Select(t => t.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>().FirstOrDefault(r => r.InnerText.StartsWith("Tổng số", StringComparison.Ordinal)))
                .First(r => r is not null)!;
            var cells = total.Elements<DocumentFormat.OpenXml.Wordprocessing.TableCell>().Select(c => c.InnerText).ToList();
            Assert.Equal([pageCounts["done_on_time"], pageCounts["done_late"], pageCounts["open_in_time"], pageCounts["open_overdue"], 56],
                cells.Skip(1).Select(c => int.Parse(c.Replace(".", ""), System.Globalization.CultureInfo.InvariantCulture)));
            var text = document.MainDocumentPart.Document.Body.InnerText;
            Assert.Contains("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH", text);
            Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text);
        }
        // As of 31 December, the digitisation value of Q3 is on the page, in the report and in the .docx.
        var december = await admin.GetStringAsync("/plans/VQ-2023/report?asOf=2023-12-31");
        Assert.Matches("data-criterion=\"PAR-1.2.7.1\">.*?58,2 % \\(2023-Q3\\)", december);
        using var doc = WordprocessingDocument.Open(new MemoryStream(await admin.GetByteArrayAsync("/plans/VQ-2023/report?asOf=2023-12-31&format=docx")), false);
        Assert.Contains("58,2 % (2023-Q3)", doc.MainDocumentPart!.Document!.Body!.InnerText);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/plans/VQ-2023/report?asOf=31-12-2023")).StatusCode);
    }

    [Fact]
    public async Task The_satisfaction_report_downloads_as_docx_with_the_pages_sample()
    {
        await PostNhanhAsync(factory, "VQ-YP-Q1", 5);
        var admin = await AdminAsync(factory);
        var quarter = CurrentQuarter();
        var page = await admin.GetStringAsync($"/dashboard/report?unit=VQ-YP&quarter={quarter}");
        var docx = await admin.GetAsync($"/dashboard/report?unit=VQ-YP&quarter={quarter}&format=docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        using var document = WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false);
        var text = document.MainDocumentPart!.Document!.Body!.InnerText;
        Assert.Contains("BÁO CÁO KẾT QUẢ ĐO LƯỜNG SỰ HÀI LÒNG", text);
        Assert.Contains("Xã Yên Phúc", text);
        var nhanh = document.MainDocumentPart.Document.Body.Descendants<DocumentFormat.OpenXml.Wordprocessing.TableRow>().First(r => r.InnerText.StartsWith("NHANH", StringComparison.Ordinal));
        var pageTotal = Regex.Match(page, "data-instrument=\"NHANH\">.*?<strong>([\\d.]+)</strong>").Groups[1].Value;
        Assert.Equal(pageTotal, nhanh.Elements<DocumentFormat.OpenXml.Wordprocessing.TableCell>().Last().InnerText);
    }

    private static MultipartFormDataContent ProgressForm(string page, string status, string note, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(Http.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent(status), "Status" },
            { new StringContent(note), "Note" },
        };
        foreach (var (name, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pdf");
            form.Add(content, "Files", name);
        }
        return form;
    }

    [Fact]
    public async Task Evidence_is_checked_by_its_bytes_stored_outside_the_web_root_and_served_only_in_scope()
    {
        var manager = await OfficialAsync(factory, "manager", "VQ-DH");
        var url = "/plans/VQ-2023/tasks/SIPAS-2.2-3";
        var page = await manager.GetStringAsync(url);
        Assert.Contains("Gửi báo cáo", page);
        var before = factory.WithDatabase(db => db.PlanTaskProgress.Count());

        // An executable renamed to .pdf, and a file over the limit: refused with a message, nothing stored.
        var fake = await manager.PostAsync(url, ProgressForm(page, "done", "x", ("bien-ban.pdf", "MZ\u0090\0this is not a pdf"u8.ToArray())));
        Assert.Equal(HttpStatusCode.BadRequest, fake.StatusCode);
        Assert.Contains("không phải PDF", await fake.Content.ReadAsStringAsync());
        var big = new byte[10 * 1024 * 1024 + 1];
        "%PDF-1.4"u8.CopyTo(big);
        var tooLarge = await manager.PostAsync(url, ProgressForm(page, "done", "x", ("lon.pdf", big)));
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("quá lớn", await tooLarge.Content.ReadAsStringAsync());
        var badStatus = await manager.PostAsync(url, ProgressForm(page, "xong", "x"));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(before, factory.WithDatabase(db => db.PlanTaskProgress.Count()));

        var pdf = "%PDF-1.4\n% biên bản kiểm tra\n"u8.ToArray();
        var stored = await manager.PostAsync(url, ProgressForm(page, "done", "Đã bố trí công chức có kinh nghiệm tại bộ phận một cửa.", ("bien-ban.pdf", pdf)));
        Assert.Equal(HttpStatusCode.Redirect, stored.StatusCode);
        var evidence = factory.WithDatabase(db => db.PlanEvidence.Include(e => e.Progress).Single(e => e.Progress.Note.StartsWith("Đã bố trí công chức")));
        Assert.True(File.Exists(Path.Combine(factory.EvidenceFolder, evidence.StoredName)));
        Assert.False(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory), evidence.StoredName, SearchOption.AllDirectories).Any());
        Assert.Equal("application/pdf", evidence.ContentType);

        var download = await manager.GetAsync($"/plans/VQ-2023/evidence/{evidence.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        var district = await OfficialAsync(factory, "viewer", "VQ");
        Assert.Equal(HttpStatusCode.OK, (await district.GetAsync($"/plans/VQ-2023/evidence/{evidence.Id}")).StatusCode);
        // The task belongs to every commune (a collective lead), so another commune sees its history; a department does not.
        var department = await OfficialAsync(factory, "manager", "VQ-TP");
        Assert.Equal(HttpStatusCode.NotFound, (await department.GetAsync($"/plans/VQ-2023/evidence/{evidence.Id}")).StatusCode);
        Assert.Equal(1, factory.WithDatabase(db => db.AuditEntries.Count(a => a.Action == "plan-progress" && a.Target == "VQ-2023/SIPAS-2.2-3")));
    }

    [Theory]
    [InlineData("code,index,title,lead,implementers,target,measured_by\nC1,PAR,T,Phòng Nội vụ,,,\n", "criterion,code,title,lead,units,deadline\nC1,T1,Nhiệm vụ,Phòng Nội vụ,VQ-XX,\n", "dòng 2, cột units: không có đơn vị VQ-XX")]
    [InlineData("code,index,title,lead,implementers,target,measured_by\nC1,PAR,T,Phòng Nội vụ,,,\n", "criterion,code,title,lead,units,deadline\nC1,T1,Nhiệm vụ,Phòng Nội vụ,,20/13/2024\n", "dòng 2, cột deadline: '20/13/2024' không phải là ngày")]
    [InlineData("code,index,title,lead,implementers,target,measured_by,target_value,target_unit\nC1,PAR,T,Phòng Nội vụ,,,,sáu mươi,%\n", "", "dòng 2, cột target_value: 'sáu mươi' không phải là số")]
    [InlineData("code,index,title,lead,implementers,target,measured_by,target_value,target_unit\nC1,PAR,T,Phòng Nội vụ,,,,60,\n", "", "dòng 2, cột target_unit: mục tiêu 60 chưa có đơn vị tính")]
    [InlineData("code,index,title,lead,implementers,target,measured_by\nC1,PAR,T,Phòng Nội vụ,,,\nC2,PAPI,\"T2,Phòng Nội vụ,,,\n", "", "Tệp tiêu chí")]
    [InlineData("code,index,title,lead,implementers,target,measured_by\nC1,PAR,T,Phòng Nội vụ,,\n", "", "dòng 2: có 6 cột, cần 7")]
    [InlineData("code,index,title,lead,implementers,target,measured_by\nC1,XYZ,T,Phòng Nội vụ,,,SIPAS-DV:ZZ\n", "", "cột measured_by")]
    public async Task A_broken_import_names_the_row_and_field_and_stores_nothing(string criteria, string tasks, string expected)
    {
        var admin = await AdminAsync(factory);
        var page = await admin.GetStringAsync("/plans");
        var plans = factory.WithDatabase(db => db.Plans.Count());
        var form = new MultipartFormDataContent
        {
            { new StringContent(Http.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent("KH-LOI"), "Code" }, { new StringContent("Kế hoạch lỗi"), "Title" }, { new StringContent("VQ"), "Unit" },
            { new StringContent("2024"), "Year" }, { new StringContent("2024-01-15"), "Start" }, { new StringContent("2024-11-20"), "Deadline" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(criteria)), "CriteriaFile", "tieu-chi.csv" },
        };
        if (tasks.Length > 0) form.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(tasks)), "TasksFile", "nhiem-vu.csv");
        var answer = await admin.PostAsync("/plans?handler=Import", form);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains(expected, System.Net.WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync()));
        Assert.Equal(plans, factory.WithDatabase(db => db.Plans.Count()));
    }

    [Fact]
    public async Task An_import_and_a_copy_create_plans_whose_tasks_expand_collective_leads()
    {
        var admin = await AdminAsync(factory);
        var page = await admin.GetStringAsync("/plans");
        var form = new MultipartFormDataContent
        {
            { new StringContent(Http.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent("KH-TN-2024"), "Code" }, { new StringContent("Kế hoạch 2024"), "Title" }, { new StringContent("VQ"), "Unit" },
            { new StringContent("2024"), "Year" }, { new StringContent("2024-01-15"), "Start" }, { new StringContent("2024-11-20"), "Deadline" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("code,index,title,lead,implementers,target,measured_by\nC1,SIPAS,Hài lòng,\"UBND các xã, thị trấn\",Phòng Nội vụ,Đạt 90%,SIPAS-DV:CC\n")), "CriteriaFile", "c.csv" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("criterion,code,title,lead,units,deadline\nC1,T1,Niêm yết,\"UBND các xã, thị trấn\",,2024-06-30\n")), "TasksFile", "t.csv" },
        };
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync("/plans?handler=Import", form)).StatusCode);
        var units = factory.WithDatabase(db => db.PlanTaskUnits.Where(u => u.Task.Code == "T1" && u.Task.Criterion.Plan.Code == "KH-TN-2024").Count());
        Assert.Equal(17, units);
        Assert.Equal(90, factory.WithDatabase(db => db.PlanCriteria.Single(c => c.Plan.Code == "KH-TN-2024").TargetValue));

        var copied = await PostFormAsync(admin, "/plans?handler=Copy", await admin.GetStringAsync("/plans"),
            ("Source", "KH-TN-2024"), ("Code", "KH-TN-2025"), ("Title", "Kế hoạch 2025"), ("Unit", "VQ"), ("Year", "2025"), ("Start", "2025-01-15"), ("Deadline", "2025-11-20"));
        Assert.Equal(HttpStatusCode.Redirect, copied.StatusCode);
        var task = factory.WithDatabase(db => db.PlanTasks.Include(t => t.Units).Include(t => t.Progress).Single(t => t.Criterion.Plan.Code == "KH-TN-2025"));
        Assert.Equal(new DateOnly(2025, 6, 30), task.Deadline);
        Assert.Equal(17, task.Units.Count);
        Assert.Empty(task.Progress);
        Assert.Equal(2, factory.WithDatabase(db => db.AuditEntries.Count(a => a.Action == "plan-create" && a.Target!.StartsWith("KH-TN-"))));
    }

    [Fact]
    public async Task The_dashboard_shows_beside_each_figure_the_criteria_aiming_at_it_and_their_overdue_tasks()
    {
        var admin = await AdminAsync(factory);
        var dashboard = await admin.GetStringAsync("/dashboard?unit=VQ");
        var plan = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("/api/v1/plans/VQ-2023")).RootElement;
        foreach (var (measure, criterion) in new[] { ("SIPAS-DV:index", "SIPAS-2.2"), ("PAPI-M:D5", "PAPI-3.5") })
        {
            var overdue = plan.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("code").GetString() == criterion)
                .GetProperty("tasks").EnumerateArray().Count(t => t.GetProperty("bucket").GetString() == "open_overdue");
            Assert.Matches($"data-measure=\"{Regex.Escape(measure)}\" data-plan=\"VQ-2023\"[^>]*>[\\s\\S]*?{Regex.Escape(criterion)}[\\s\\S]*?data-overdue=\"{overdue}\"", dashboard);
        }
    }

    [Fact]
    public async Task Tasks_of_a_merged_commune_follow_its_successor()
    {
        // Tràng Phái merges into Tân Đoàn: its tasks are then Tân Đoàn's, reported by Tân Đoàn's manager.
        using (var scope = factory.Services.CreateScope())
        {
            var units = scope.ServiceProvider.GetRequiredService<UnitAdministration>();
            var result = await units.MergeAsync("test", "VQ-TPH", "VQ-TD", CancellationToken.None);
            Assert.True(result.Ok, result.Error);
        }
        var leads = factory.WithDatabase(db => db.PlanTaskUnits.Where(u => u.Task.Code == "PAPI-3.7-1" && u.Task.Criterion.Plan.Code == "VQ-2023").Select(u => u.Unit.Code).ToList());
        Assert.DoesNotContain("VQ-TPH", leads);
        Assert.Single(leads, "VQ-TD");
        Assert.Equal(16, leads.Count);
        Assert.False(factory.WithDatabase(db => db.PlanCriterionUnits.Any(u => u.Unit.Code == "VQ-TPH")));
        var successor = await OfficialAsync(factory, "manager", "VQ-TD");
        var page = await successor.GetStringAsync("/plans/VQ-2023/tasks/PAPI-3.7-1");
        Assert.Contains("Gửi báo cáo", page);
    }
}
