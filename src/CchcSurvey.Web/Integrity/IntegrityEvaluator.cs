using CchcSurvey.Core.Integrity;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Integrity;

/// <summary>
/// Computes the suspicion flags of one batch of new responses inside the <see cref="Surveys.ResponseWriter"/>'s
/// transaction, before they are inserted, so that their statistics cells are the flagged or unflagged ones.
/// The batch's own earlier responses count too (a burst inside one batch is still a burst). Records a hashed
/// device sighting for each response that came with a device cookie. Never deletes anything.
/// </summary>
public sealed class IntegrityEvaluator
{
    private readonly IntegrityOptions _options;
    private readonly LocalClock _clock;
    private readonly byte[] _today;
    private readonly byte[] _yesterday;
    private readonly Dictionary<(int Counter, DateTime Hour), int> _perCounterHour = new();
    private readonly Dictionary<int, OpeningHours> _openingHours = new();
    private readonly Dictionary<(int Unit, DateOnly Month), int> _dossiers = new();
    private readonly Dictionary<(int Unit, DateOnly Month), int> _perUnitMonth = new();
    private readonly List<DeviceSighting> _sightings = [];

    private IntegrityEvaluator(IntegrityOptions options, LocalClock clock, byte[] today, byte[] yesterday)
    {
        _options = options;
        _clock = clock;
        _today = today;
        _yesterday = yesterday;
    }

    /// <param name="today">The HMAC secret of the current UTC day (empty: sightings are not recorded).</param>
    /// <param name="yesterday">The previous day's secret, so that a device seen before midnight is recognised after it.</param>
    public static async Task<IntegrityEvaluator> PrepareAsync(SurveyDbContext db, IReadOnlyList<(Response Response, string? Device)> batch,
        byte[] today, byte[] yesterday, IntegrityOptions options, LocalClock clock, CancellationToken ct)
    {
        var evaluator = new IntegrityEvaluator(options, clock, today, yesterday);
        if (batch.Count == 0) return evaluator;
        var responses = batch.Select(b => b.Response).ToList();
        var counterIds = responses.Where(r => r.CounterId is not null).Select(r => r.CounterId!.Value).Distinct().ToList();
        var firstHour = responses.Min(r => r.SubmittedHourUtc);
        var lastHour = responses.Max(r => r.SubmittedHourUtc);

        // Burst: responses already stored per counter and hour.
        if (counterIds.Count > 0)
        {
            var counts = await db.Responses.AsNoTracking()
                .Where(r => r.CounterId != null && counterIds.Contains(r.CounterId.Value) && r.SubmittedHourUtc >= firstHour && r.SubmittedHourUtc <= lastHour)
                .GroupBy(r => new { r.CounterId, r.SubmittedHourUtc })
                .Select(g => new { g.Key.CounterId, g.Key.SubmittedHourUtc, N = g.Count() }).ToListAsync(ct);
            foreach (var c in counts) evaluator._perCounterHour[(c.CounterId!.Value, Utc(c.SubmittedHourUtc))] = c.N;

            var hours = await db.Counters.AsNoTracking().Where(c => counterIds.Contains(c.Id) && c.OpeningHours != null)
                .Select(c => new { c.Id, c.OpeningHours }).ToListAsync(ct);
            // A malformed text (it is checked when set) counts as always open: never flag on a typo.
            foreach (var h in hours)
                if (OpeningHours.TryParse(h.OpeningHours, out var parsed, out _)) evaluator._openingHours[h.Id] = parsed!;
        }

        // More than dossiers: the imported count and the responses so far, per unit and local month.
        var unitMonths = responses.Select(r => (r.UnitId, Month: evaluator.MonthOf(r.SubmittedHourUtc))).Distinct().ToList();
        var unitIds = unitMonths.Select(u => u.UnitId).Distinct().ToList();
        var months = unitMonths.Select(u => u.Month).Distinct().ToList();
        var dossiers = await db.DossierCounts.AsNoTracking().Where(d => unitIds.Contains(d.UnitId) && months.Contains(d.Month))
            .Select(d => new { d.UnitId, d.Month, d.Count }).ToListAsync(ct);
        foreach (var d in dossiers)
        {
            evaluator._dossiers[(d.UnitId, d.Month)] = d.Count;
            var start = clock.StartOfDayUtc(d.Month);
            var end = clock.StartOfDayUtc(d.Month.AddMonths(1));
            evaluator._perUnitMonth[(d.UnitId, d.Month)] = await db.Responses.CountAsync(r => r.UnitId == d.UnitId && r.SubmittedHourUtc >= start && r.SubmittedHourUtc < end, ct);
        }

        // Repeat device: hashed sightings at the same counter within the window, under today's or yesterday's secret.
        if (today.Length > 0)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (response, device) in batch)
            {
                if (device is null || response.CounterId is not int counterId) continue;
                keys.Add(DeviceKeys.SightingKey(today, device, counterId));
                if (yesterday.Length > 0) keys.Add(DeviceKeys.SightingKey(yesterday, device, counterId));
            }
            if (keys.Count > 0)
            {
                var since = firstHour.AddHours(-options.EffectiveRepeatDeviceHours);
                var keyList = keys.ToList();
                var seen = await db.DeviceSightings.AsNoTracking().Where(s => keyList.Contains(s.KeyHash) && s.HourUtc > since)
                    .Select(s => new { s.KeyHash, s.CounterId, s.HourUtc }).ToListAsync(ct);
                evaluator._sightings.AddRange(seen.Select(s => new DeviceSighting { KeyHash = s.KeyHash, CounterId = s.CounterId, HourUtc = Utc(s.HourUtc) }));
            }
        }
        return evaluator;
    }

    /// <summary>The flags of the next response of the batch (in order), counting it for the ones after it.</summary>
    public ResponseFlags Evaluate(SurveyDbContext db, Response response, string? device)
    {
        var flags = ResponseFlags.None;
        var hour = response.SubmittedHourUtc;
        if (response.CounterId is int counterId)
        {
            var key = (counterId, hour);
            var n = _perCounterHour.GetValueOrDefault(key) + 1;
            _perCounterHour[key] = n;
            if (n > _options.BurstPerCounterPerHour) flags |= ResponseFlags.Burst;

            if (_openingHours.TryGetValue(counterId, out var opening) && !opening.IsOpenDuringHour(_clock.ToLocal(hour)))
                flags |= ResponseFlags.OutsideHours;

            if (device is not null && _today.Length > 0)
            {
                var todayKey = DeviceKeys.SightingKey(_today, device, counterId);
                var yesterdayKey = _yesterday.Length > 0 ? DeviceKeys.SightingKey(_yesterday, device, counterId) : null;
                var since = hour.AddHours(-_options.EffectiveRepeatDeviceHours);
                if (_sightings.Any(s => s.CounterId == counterId && s.HourUtc > since && (s.KeyHash == todayKey || s.KeyHash == yesterdayKey)))
                    flags |= ResponseFlags.RepeatDevice;
                var sighting = new DeviceSighting { KeyHash = todayKey, CounterId = counterId, HourUtc = hour };
                _sightings.Add(sighting);
                db.DeviceSightings.Add(sighting);
            }
        }

        var month = (response.UnitId, MonthOf(hour));
        if (_dossiers.TryGetValue(month, out var dossiers))
        {
            var n = _perUnitMonth.GetValueOrDefault(month) + 1;
            _perUnitMonth[month] = n;
            if (n > dossiers) flags |= ResponseFlags.MoreThanDossiers;
        }
        return flags;
    }

    private DateOnly MonthOf(DateTime hourUtc)
    {
        var local = _clock.ToLocal(hourUtc);
        return new DateOnly(local.Year, local.Month, 1);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
