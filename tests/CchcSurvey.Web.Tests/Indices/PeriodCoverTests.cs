using CchcSurvey.Web.Indices;

namespace CchcSurvey.Web.Tests.Indices;

/// <summary>Month and day cells must cover a period exactly once, whatever its ends.</summary>
public sealed class PeriodCoverTests
{
    private static readonly DateOnly Origin = new(2025, 1, 1);

    /// <summary>Days counted by a cover within a window, with multiplicity.</summary>
    private static Dictionary<DateOnly, int> Covered(PeriodCover cover, DateOnly windowStart, DateOnly windowEnd)
    {
        var counts = new Dictionary<DateOnly, int>();
        for (var day = windowStart; day <= windowEnd; day = day.AddDays(1))
        {
            var month = new DateOnly(day.Year, day.Month, 1);
            var n = 0;
            if ((cover.FirstMonth is null || month >= cover.FirstMonth) && (cover.LastMonth is null || month <= cover.LastMonth)) n++;
            if (cover.LeadingDays is { } leading && day >= leading.From && day <= leading.To) n++;
            if (cover.TrailingDays is { } trailing && day >= trailing.From && day <= trailing.To) n++;
            if (n > 0) counts[day] = n;
        }
        return counts;
    }

    [Fact]
    public void Every_day_of_every_period_is_covered_exactly_once_and_no_other_day()
    {
        var random = new Random(7);
        var windowStart = Origin.AddDays(-40);
        var windowEnd = Origin.AddDays(800);
        for (var i = 0; i < 3000; i++)
        {
            DateOnly? from = random.Next(5) == 0 ? null : Origin.AddDays(random.Next(0, 700));
            DateOnly? to = random.Next(5) == 0 ? null : (from ?? Origin).AddDays(random.Next(0, 120));
            var covered = Covered(PeriodCover.Of(from, to), windowStart, windowEnd);
            for (var day = windowStart; day <= windowEnd; day = day.AddDays(1))
            {
                var inside = (from is null || day >= from) && (to is null || day <= to);
                var times = covered.GetValueOrDefault(day);
                Assert.True(inside ? times == 1 : times == 0, $"{from}..{to}: {day} covered {times} times");
            }
        }
    }

    [Theory]
    [InlineData("2026-03-01", "2026-05-31", "2026-03-01", "2026-05-01", null, null)]
    [InlineData("2026-03-05", "2026-03-20", null, null, "2026-03-05", null)]
    [InlineData("2026-03-05", "2026-05-20", "2026-04-01", "2026-04-01", "2026-03-05", "2026-05-01")]
    public void Quarters_use_months_and_odd_ends_use_days(string from, string to, string? firstMonth, string? lastMonth, string? leadingFrom, string? trailingFrom)
    {
        var cover = PeriodCover.Of(DateOnly.Parse(from), DateOnly.Parse(to));
        if (firstMonth is not null)
        {
            Assert.Equal(DateOnly.Parse(firstMonth), cover.FirstMonth);
            Assert.Equal(DateOnly.Parse(lastMonth!), cover.LastMonth);
        }
        else
        {
            Assert.True(cover.FirstMonth > cover.LastMonth);
        }
        Assert.Equal(leadingFrom is null ? null : DateOnly.Parse(leadingFrom), cover.LeadingDays?.From);
        Assert.Equal(trailingFrom is null ? null : DateOnly.Parse(trailingFrom), cover.TrailingDays?.From);
    }
}
