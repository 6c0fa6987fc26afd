using CchcSurvey.Core.Instruments;
using CchcSurvey.Core.Integrity;

namespace CchcSurvey.Core.Tests.Integrity;

public sealed class OpeningHoursTests
{
    // 2026-11-23 is a Monday.
    private static DateTime At(int day, int hour) => new(2026, 11, 23 + day, hour, 0, 0);

    [Theory]
    [InlineData(0, 7, true)]    // 07:00–08:00 overlaps 07:30–11:30
    [InlineData(0, 6, false)]
    [InlineData(0, 11, true)]   // 11:00–12:00 overlaps up to 11:30
    [InlineData(0, 12, false)]  // lunch
    [InlineData(0, 13, true)]
    [InlineData(0, 16, true)]
    [InlineData(0, 17, false)]  // the end is exclusive
    [InlineData(4, 9, true)]    // Friday
    [InlineData(5, 9, true)]    // Saturday morning
    [InlineData(5, 14, false)]
    [InlineData(6, 9, false)]   // Sunday
    public void Hours_overlapping_an_interval_of_their_day_are_open(int day, int hour, bool open)
    {
        Assert.True(OpeningHours.TryParse("Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30", out var hours, out var error), error);
        Assert.Equal(open, hours!.IsOpenDuringHour(At(day, hour)));
    }

    [Fact]
    public void Whole_days_and_day_lists_parse()
    {
        Assert.True(OpeningHours.TryParse("Mon-Sun 00:00-24:00", out var always, out _));
        Assert.True(always!.IsOpenDuringHour(At(6, 23)));
        Assert.True(OpeningHours.TryParse("Tue,Thu 08:00-09:00", out var some, out _));
        Assert.True(some!.IsOpenDuringHour(At(1, 8)));
        Assert.False(some.IsOpenDuringHour(At(2, 8)));
        Assert.Null(OpeningHours.ParseOrAlways(null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sometimes")]
    [InlineData("Mon-Fri")]
    [InlineData("Fri-Mon 07:00-11:00")]
    [InlineData("Mon 11:00-07:00")]
    [InlineData("Mon 7-11")]
    [InlineData("Xyz 07:00-11:00")]
    [InlineData("Mon 25:00-26:00")]
    public void Bad_texts_are_refused_with_a_reason(string text)
    {
        Assert.False(OpeningHours.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Only_all_top_ratings_count_as_all_top()
    {
        var nhanh = InstrumentCatalog.LoadBuiltIn().Single(d => d.Code == "NHANH");
        Assert.True(ResponseFlagReasons.AllRatingsAtTop(nhanh, new Dictionary<string, AnswerValue> { ["HL"] = AnswerValue.FromNumber(5) }));
        Assert.False(ResponseFlagReasons.AllRatingsAtTop(nhanh, new Dictionary<string, AnswerValue> { ["HL"] = AnswerValue.FromNumber(4) }));
        Assert.False(ResponseFlagReasons.AllRatingsAtTop(nhanh, new Dictionary<string, AnswerValue> { ["GOP_Y"] = AnswerValue.FromText("tốt") }));
        Assert.Equal([ResponseFlags.Burst, ResponseFlags.TooFast], ResponseFlagReasons.Of(5).Select(r => r.Flag));
    }
}
