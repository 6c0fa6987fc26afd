using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Surveys;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Demo;

/// <summary>
/// Fills the database with plausible responses over the demo units and the last 12 months (or since a given day, to
/// give a reorganisation a past to compare with): each unit
/// has its own level of satisfaction, most answers come by QR code in office hours on working days, and
/// low ratings sometimes carry reasons and a comment. Stored like every other response, through
/// <see cref="SubmissionService.StoreBulkAsync"/> (the writer's batches, its idempotency rule and flags).
/// </summary>
public sealed class DemoResponseGenerator(SurveyDbContext db, InstrumentRegistry registry, LocalClock clock, SubmissionService submissions)
{
    private static readonly string[] Comments =
    [
        "Cán bộ hướng dẫn nhiệt tình, dễ hiểu.",
        "Phải chờ hơi lâu vào buổi sáng.",
        "Nên bố trí thêm ghế ngồi chờ.",
        "Thủ tục nhanh gọn, cảm ơn cán bộ.",
        "Cần niêm yết rõ hơn các khoản phí.",
        "Máy lấy số thứ tự bị hỏng.",
    ];

    /// <summary>
    /// Adds <paramref name="count"/> responses on working days from <paramref name="since"/> (default: the last 365 days) to
    /// today; <paramref name="progress"/> gets the running total.
    /// </summary>
    public async Task<int> GenerateAsync(int count, IProgress<int>? progress, CancellationToken ct, int seed = 2023, DateOnly? since = null)
    {
        var counters = await db.Counters.AsNoTracking().Include(c => c.Unit).Where(c => c.IsActive).OrderBy(c => c.Code).ToListAsync(ct);
        if (counters.Count == 0) throw new InvalidOperationException("There are no counters: import units first.");
        var instruments = (await registry.CurrentAsync(db, ct)).ToDictionary(i => i.Code, StringComparer.Ordinal);

        var random = new Random(seed);
        var quality = counters.Select(c => c.UnitId).Distinct().ToDictionary(id => id, _ => 0.55 + random.NextDouble() * 0.4);
        var startOfTodayUtc = clock.StartOfDayUtc(clock.Today());
        // Days to draw from, today included: the last 365, or every day since the one given.
        var days = since is { } first ? clock.Today().DayNumber - first.DayNumber + 1 : 365;
        if (days < 1) throw new ArgumentOutOfRangeException(nameof(since), "since must not be after today");

        // Generated lazily, as the writer takes them.
        IEnumerable<BulkSubmission> Generate()
        {
            for (var i = 0; i < count; i++)
            {
                var counter = counters[random.Next(counters.Count)];
                var instrument = PickInstrument(random, counter, instruments);
                var answers = Answers(random, instrument.Definition, quality[counter.UnitId]);
                var channel = random.NextDouble() switch { < 0.7 => "qr", < 0.93 => "kiosk", _ => "paper" };
                yield return new BulkSubmission(NewGuid(random), counter.UnitId, counter.Unit.Code, counter, instrument, channel, answers,
                    RandomOfficeHour(random, startOfTodayUtc, days));
            }
        }
        var outcome = await submissions.StoreBulkAsync(Generate(), progress, ct);
        return outcome.Created;
    }

    private static PublishedInstrument PickInstrument(Random random, Counter counter, IReadOnlyDictionary<string, PublishedInstrument> instruments)
    {
        var code = random.NextDouble() switch { < 0.55 => "NHANH", < 0.8 => "SIPAS-DV", < 0.93 => "TT01", < 0.97 => "SIPAS-CS", _ => "PAPI-M" };
        if (!counter.Offers(code) || !instruments.ContainsKey(code)) code = counter.DefaultInstrument;
        return instruments[code];
    }

    /// <summary>Answers of one respondent whose chance of being satisfied is about <paramref name="quality"/>.</summary>
    internal static IReadOnlyDictionary<string, AnswerValue> Answers(Random random, InstrumentDefinition definition, double quality)
    {
        var answers = new Dictionary<string, AnswerValue>(StringComparer.Ordinal);
        var mood = Math.Clamp(quality + (random.NextDouble() - 0.5) * 0.3, 0.05, 0.98);
        foreach (var item in definition.Items)
        {
            if (item.ShowWhen is { } condition && !condition.IsMetBy(answers.TryGetValue(condition.Item, out var v) ? v.Number : null))
                continue;
            if (item.Type != AnswerType.Text && random.NextDouble() < 0.04) continue; // skipped
            var good = random.NextDouble() < mood;
            AnswerValue? answer = item.Type switch
            {
                AnswerType.Likert5 => AnswerValue.FromNumber(Flip(item, good) ? (random.NextDouble() < 0.55 ? 4 : 5) : (random.NextDouble() < 0.6 ? 3 : random.Next(1, 3))),
                AnswerType.Likert3 => AnswerValue.FromNumber(good ? random.Next(2, 4) : 1),
                AnswerType.YesNo => AnswerValue.FromNumber(Flip(item, good) ? 1 : 0),
                AnswerType.Points => AnswerValue.FromCode(item.Options.OrderByDescending(o => o.Points).ElementAt(good ? 0 : random.Next(1, Math.Max(2, item.Options.Count))).Code),
                AnswerType.Choice => AnswerValue.FromCode(item.Options[random.Next(item.Options.Count)].Code),
                AnswerType.Multi => AnswerValue.FromCodes(item.Options.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Select(o => o.Code).ToList()),
                AnswerType.Text => random.NextDouble() < 0.08 ? AnswerValue.FromText(Comments[random.Next(Comments.Length)]) : null,
                _ => null,
            };
            if (answer is { } a) answers[item.Code] = a;
        }
        return answers;
    }

    private static bool Flip(ItemDefinition item, bool good) => item.Reverse ? !good : good;

    /// <summary>A local working-day hour between 7:00 and 16:00 in the last <paramref name="days"/> days (today included), as UTC.</summary>
    private DateTime RandomOfficeHour(Random random, DateTime startOfTodayUtc, int days)
    {
        while (true)
        {
            var candidate = startOfTodayUtc.AddDays(-random.Next(0, days)).AddHours(7 + random.Next(0, 10));
            if (clock.ToLocal(candidate).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) return candidate;
        }
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
