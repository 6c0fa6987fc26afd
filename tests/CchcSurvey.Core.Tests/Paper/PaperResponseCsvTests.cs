using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Paper;

namespace CchcSurvey.Core.Tests.Paper;

public class PaperResponseCsvTests
{
    [Fact]
    public void Reference_responses_read_without_error()
    {
        var result = PaperResponseCsv.Read(ReferenceData.ResponsesCsv, InstrumentCatalog.FindBuiltIn);
        Assert.True(result.IsValid, string.Join("\n", result.Errors.Take(20)));
        Assert.Equal(657, result.Rows.Count);
        var first = result.Rows[0];
        Assert.Equal(2, first.LineNumber);
        Assert.Equal(Guid.Parse("279d5bc1-ef12-376f-57c4-1fb122056663"), first.SubmissionId);
        Assert.Equal("VQ-VP", first.Unit);
        Assert.Equal("VQ-VP-Q1", first.Counter);
        Assert.Equal("SIPAS-DV", first.Instrument);
        Assert.Equal("qr", first.Channel);
        Assert.Equal(new DateTime(2026, 7, 1, 10, 0, 0), first.HourLocal);
        Assert.Equal(3, first.Answers["TC1"].Number);
        Assert.False(first.Answers.ContainsKey("TC2"));
        Assert.Equal(["TT"], first.Answers["MONG_DOI"].Codes);
        Assert.Equal(new[] { "NHANH", "PAPI-M", "SIPAS-CS", "SIPAS-DV", "TT01" }, result.Rows.Select(r => r.Instrument).Distinct().Order(StringComparer.Ordinal));
    }

    private const string Header = "submission_id,unit,counter,instrument,channel,hour,HL,LY_DO,C1";

    [Fact]
    public void Malformed_file_gives_all_errors_with_line_numbers_and_no_rows()
    {
        var csv = string.Join("\n",
            Header,
            "11111111-1111-1111-1111-111111111111,U1,U1-Q1,NHANH,qr,2026-07-01T10:00,4,,",
            "not-a-uuid,U1,U1-Q1,NHANH,qr,2026-07-01T10:00,4,,",
            "22222222-2222-2222-2222-222222222222,U1,,NHANH,fax,2026-07-01 10:00,9,,",
            "33333333-3333-3333-3333-333333333333,U1,U1-Q1,XYZ,paper,2026-07-01T10:00,4,,",
            "44444444-4444-4444-4444-444444444444,U1,U1-Q1,NHANH,kiosk,2026-07-01T10:00,5,phi,o2",
            "11111111-1111-1111-1111-111111111111,U1,U1-Q1,TT01,web,2026-07-01T10:00,2,,o1",
            "");
        var result = PaperResponseCsv.Read(new StringReader(csv), InstrumentCatalog.FindBuiltIn);
        Assert.False(result.IsValid);
        Assert.Empty(result.Rows);
        Assert.Equal(
        [
            "line 3: submission_id: 'not-a-uuid' is not a UUID",
            "line 4: channel: 'fax' is not one of kiosk|paper|qr|web",
            "line 4: hour: '2026-07-01 10:00' is not yyyy-MM-ddTHH:mm",
            "line 4: HL: value 9 is out of range 1..5",
            "line 5: instrument: unknown instrument 'XYZ'",
            "line 6: C1: instrument NHANH has no item C1, the cell must be empty",
            "line 6: LY_DO: only asked when HL ≤ 3",
            "line 7: submission_id: 11111111-1111-1111-1111-111111111111 already used on line 2",
        ], result.Errors);
    }

    [Fact]
    public void Missing_fixed_columns_are_reported_on_line_1()
    {
        var result = PaperResponseCsv.Read(new StringReader("submission_id,unit,HL\n"), InstrumentCatalog.FindBuiltIn);
        Assert.Contains("line 1: missing column counter", result.Errors);
        Assert.Contains("line 1: missing column hour", result.Errors);
    }

    [Fact]
    public void Valid_small_file_gives_rows_with_null_counter_when_empty()
    {
        var csv = Header + "\n55555555-5555-5555-5555-555555555555,U1,,TT01,paper,2026-07-01T08:00,3,,o0\n";
        var result = PaperResponseCsv.Read(new StringReader(csv), InstrumentCatalog.FindBuiltIn);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var row = Assert.Single(result.Rows);
        Assert.Null(row.Counter);
        Assert.Equal("o0", row.Answers["C1"].Code);
    }
}
