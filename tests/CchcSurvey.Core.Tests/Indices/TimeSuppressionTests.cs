using CchcSurvey.Core.Exports;
using CchcSurvey.Core.Indices;
using CchcSurvey.Core.Instruments;

namespace CchcSurvey.Core.Tests.Indices;

/// <summary>
/// METHODOLOGY §6, No differencing: the subtraction attacks themselves. For random units (months with 0, a few or
/// many responses over two years), every calendar period an official can ask for is computed, and for every figure
/// no hidden period (a month, quarter, year or all time with 0 &lt; n, hidden) lies in the linear span of the
/// periods shown — which covers every pair of periods (P − Q), every parent minus its children, and any other sum
/// or difference of shown figures.
/// </summary>
public sealed class TimeSuppressionTests
{
    private static readonly IndexOptions Options = new() { MinN = 10 };

    private static List<CalendarPeriod> AllPeriods(IEnumerable<DateOnly> months)
    {
        var list = new List<CalendarPeriod> { CalendarPeriod.AllTime };
        foreach (var m in months)
        {
            list.Add(CalendarPeriod.OfMonth(m.Year, m.Month));
            list.Add(CalendarPeriod.QuarterOf(m));
            list.Add(CalendarPeriod.OfYear(m.Year));
        }
        return list.Distinct().ToList();
    }

    /// <summary>Whether vector x is a linear combination of the rows (Gaussian elimination; small integer vectors).</summary>
    private static bool InSpan(List<double[]> rows, double[] x)
    {
        static int Rank(List<double[]> vectors)
        {
            var m = vectors.Select(v => (double[])v.Clone()).ToList();
            var rank = 0;
            var columns = m.Count == 0 ? 0 : m[0].Length;
            for (var c = 0; c < columns && rank < m.Count; c++)
            {
                var pivot = Enumerable.Range(rank, m.Count - rank).FirstOrDefault(r => Math.Abs(m[r][c]) > 1e-9, -1);
                if (pivot < 0) continue;
                (m[rank], m[pivot]) = (m[pivot], m[rank]);
                for (var r = 0; r < m.Count; r++)
                {
                    if (r == rank || Math.Abs(m[r][c]) < 1e-12) continue;
                    var f = m[r][c] / m[rank][c];
                    for (var k = c; k < columns; k++) m[r][k] -= f * m[rank][k];
                }
                rank++;
            }
            return rank;
        }
        return Rank(rows) == Rank([.. rows, x]);
    }

    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 40));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_hidden_period_is_a_sum_or_difference_of_shown_periods(int seed)
    {
        var random = new Random(seed);
        var def = InstrumentCatalog.FindBuiltIn(seed % 2 == 0 ? "NHANH" : "SIPAS-DV")!;
        var months = new Dictionary<DateOnly, InstrumentStatistics>();
        var monthN = new Dictionary<DateOnly, long>();
        foreach (var year in new[] { 2025, 2026 })
            for (var month = 1; month <= 12; month++)
            {
                // Mostly busy months, some quiet (1–9: hidden by §4.9), some empty.
                var n = random.NextDouble() switch { < 0.15 => 0, < 0.45 => random.Next(1, 10), _ => random.Next(10, 40) };
                if (n == 0) continue;
                var statistics = InstrumentStatistics.For(def);
                for (var i = 0; i < n; i++) statistics.Add(RandomResponses.One(def, random));
                var key = new DateOnly(year, month, 1);
                months[key] = statistics;
                monthN[key] = n;
            }
        var suppression = new TimeSuppression(months, () => InstrumentStatistics.For(def), def.Code, Options);

        // Every figure, with each period's n of that figure (from the figures themselves).
        var periods = AllPeriods(months.Keys);
        var rows = periods.ToDictionary(p => p, p =>
        {
            var pooled = InstrumentStatistics.For(def);
            foreach (var (m, s) in months) if (p.Contains(m)) pooled.Merge(s);
            return IndexExport.RowsOf(new ExportUnit("", "", "", null), def, IndexCalculator.Report(pooled, Options))
                .Where(r => r.Figure != "responses").ToDictionary(r => (r.Figure, r.Key));
        });
        var monthList = months.Keys.Order().ToList();
        var checkedHidden = 0;
        foreach (var key in rows[CalendarPeriod.AllTime].Keys)
        {
            // A month whose figure has n = 0 is known to be empty: its column is known.
            var known = monthList.Where(m => rows[CalendarPeriod.OfMonth(m.Year, m.Month)][key].N == 0).ToHashSet();
            double[] Vector(CalendarPeriod p) => monthList.Select(m => p.Contains(m) && !known.Contains(m) ? 1.0 : 0.0).ToArray();
            var shown = periods.Where(p => !suppression.HiddenIn(p).Contains(key)).ToList();
            var hidden = periods.Where(p => suppression.HiddenIn(p).Contains(key) && rows[p][key].N > 0).ToList();

            // Primary suppression is kept: a figure with 0 < n < MinN is never shown.
            Assert.All(periods.Where(p => rows[p][key].N is > 0 and < 10), p => Assert.Contains(p, hidden));
            var span = shown.Select(Vector).Where(v => v.Any(x => x != 0)).ToList();
            foreach (var p in hidden)
            {
                Assert.False(InSpan(span, Vector(p)), $"seed {seed}, {key}: the hidden {p} can be worked out from the periods shown");
                checkedHidden++;
            }
        }
        Assert.True(checkedHidden > 0 || monthN.Values.All(n => n >= 10));
    }

    [Fact]
    public void A_quiet_month_hides_the_smallest_other_month_of_its_quarter_and_leaves_the_quarter_and_year_shown()
    {
        var def = InstrumentCatalog.LoadBuiltIn().Single(d => d.Code == "NHANH");
        var random = new Random(7);
        InstrumentStatistics Month(int n, int level)
        {
            var s = InstrumentStatistics.For(def);
            for (var i = 0; i < n; i++) s.Add(RandomResponses.One(def, random, answerProbability: 1, constantLevel: level));
            return s;
        }
        var months = new Dictionary<DateOnly, InstrumentStatistics>
        {
            [new(2026, 1, 1)] = Month(3, 1),    // Tết: three visitors, hidden by §4.9
            [new(2026, 2, 1)] = Month(40, 4),
            [new(2026, 3, 1)] = Month(25, 5),   // the smallest other month of Q1: hidden too
            [new(2026, 4, 1)] = Month(30, 4),
        };
        var suppression = new TimeSuppression(months, () => InstrumentStatistics.For(def), "NHANH", Options);
        var share = ("share", "HL");
        Assert.Contains(share, suppression.HiddenIn(CalendarPeriod.OfMonth(2026, 1)));
        Assert.Contains(share, suppression.HiddenIn(CalendarPeriod.OfMonth(2026, 3)));
        Assert.DoesNotContain(share, suppression.HiddenIn(CalendarPeriod.OfMonth(2026, 2)));
        Assert.DoesNotContain(share, suppression.HiddenIn(CalendarPeriod.OfQuarter(2026, 1)));
        Assert.DoesNotContain(share, suppression.HiddenIn(CalendarPeriod.OfYear(2026)));

        // The report of the hidden month keeps n and loses its values and counts.
        var report = (QuickRatingReport)TimeSuppression.Hide(IndexCalculator.Report(months[new(2026, 3, 1)], Options), suppression.HiddenIn(CalendarPeriod.OfMonth(2026, 3)));
        Assert.True(report.Overall.Suppressed);
        Assert.Equal(25, report.Overall.N);
        Assert.Null(report.Overall.P);
        Assert.Null(report.Overall.Counts);
    }

    [Theory]
    [InlineData("2026-03", "2026-03-01", "2026-03-31")]
    [InlineData("2026-Q1", "2026-01-01", "2026-03-31")]
    [InlineData("2026-Q4", "2026-10-01", "2026-12-31")]
    [InlineData("2026", "2026-01-01", "2026-12-31")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    public void Calendar_periods_parse_and_match_their_first_and_last_days(string text, string from, string to)
    {
        Assert.True(CalendarPeriod.TryParse(text, out var period));
        Assert.Equal(DateOnly.Parse(from), period.From);
        Assert.Equal(DateOnly.Parse(to), period.To);
        Assert.Equal(text, period.ToString());
        Assert.True(CalendarPeriod.TryFromDates(DateOnly.Parse(from), DateOnly.Parse(to), out var same));
        Assert.Equal(period, same);
    }

    [Theory]
    [InlineData("2026-03-02", "2026-03-31")]
    [InlineData("2026-03-01", "2026-03-30")]
    [InlineData("2026-03-05", "2026-03-05")]
    [InlineData("2026-01-01", "2026-02-28")]
    [InlineData("2026-02-01", "2026-04-30")]
    [InlineData("2026-01-01", null)]
    [InlineData(null, "2026-12-31")]
    public void Arbitrary_days_are_not_a_calendar_period(string? from, string? to)
    {
        Assert.False(CalendarPeriod.TryFromDates(from is null ? null : DateOnly.Parse(from), to is null ? null : DateOnly.Parse(to), out _));
        foreach (var text in new[] { "2026-13", "2026-Q5", "26-Q1", "2026-W12", "2026-03-05" })
            Assert.False(CalendarPeriod.TryParse(text, out _));
    }
}
