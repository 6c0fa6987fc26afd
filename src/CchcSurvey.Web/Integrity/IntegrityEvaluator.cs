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
    private readonly Dictionary<(int Counter, DateTime Hour), int> _perCounterHour;
    private readonly Dictionary<int, OpeningHours> _openingHours = new();
    private readonly Dictionary<(int Unit, DateOnly Month), int> _dossiers = new();
    private readonly Dictionary<(int Unit, DateOnly Month), int> _perUnitMonth;
    private readonly List<DeviceSighting> _sightings = [];

    private IntegrityEvaluator(IntegrityOptions options, LocalClock clock, byte[] today, byte[] yesterday, RunningCounts counts)
    {
        _options = options;
        _clock = clock;
        _today = today;
        _yesterday = yesterday;
        _perCounterHour = counts.PerCounterHour;
        _perUnitMonth = counts.PerUnitMonth;
    }

    /// <summary>
    /// Counts the writer carries from batch to batch, so that a batch does not count stored responses again: per
    /// counter and hour (burst), and per unit and local month for units with an imported dossier count. Each is
    /// read from the database once, the first time it is needed, then kept up to date by the writer. Responses
    /// stored by another app instance or by paper import after that first read are not seen, so under several
    /// instances a burst is flagged a little later than it could be: a heuristic flag, never a lost response.
    /// Not thread-safe (one writer); <see cref="Clear"/> it when a batch fails, because counts are raised before
    /// the commit.
    /// </summary>
    public sealed class RunningCounts
    {
        /// <summary>Above this many keys the oldest hours are dropped; a counter-hour is never needed again once past.</summary>
        private const int MaxCounterHours = 50_000;

        /// <summary>How long an imported dossier count (or its absence) is trusted before it is read again.</summary>
        internal static readonly TimeSpan DossierTtl = TimeSpan.FromSeconds(5);

        internal Dictionary<(int Counter, DateTime Hour), int> PerCounterHour { get; } = new();
        internal Dictionary<(int Unit, DateOnly Month), int> PerUnitMonth { get; } = new();

        /// <summary>Imported dossier counts (null: none imported) and when they were read (Environment.TickCount64).</summary>
        internal Dictionary<(int Unit, DateOnly Month), (int? Count, long ReadAt)> Dossiers { get; } = new();

        public void Clear()
        {
            PerCounterHour.Clear();
            PerUnitMonth.Clear();
            Dossiers.Clear();
        }

        internal void Trim()
        {
            if (Dossiers.Count > MaxCounterHours) Dossiers.Clear();
            if (PerCounterHour.Count <= MaxCounterHours) return;
            var newest = PerCounterHour.Keys.Max(k => k.Hour);
            foreach (var key in PerCounterHour.Keys.Where(k => k.Hour < newest.AddHours(-1)).ToList()) PerCounterHour.Remove(key);
        }
    }

    /// <param name="batch">Each response with its device cookie (or null) and its counter's opening hours (or null: always open).</param>
    /// <param name="counts">The writer's running counts; they are raised as responses are evaluated.</param>
    /// <param name="today">The HMAC secret of the current UTC day (empty: sightings are not recorded).</param>
    /// <param name="yesterday">The previous day's secret, so that a device seen before midnight is recognised after it.</param>
    public static async Task<IntegrityEvaluator> PrepareAsync(SurveyDbContext db, IReadOnlyList<(Response Response, string? Device, string? OpeningHours, bool EnteredByOfficial)> batch,
        RunningCounts counts, byte[] today, byte[] yesterday, IntegrityOptions options, LocalClock clock, CancellationToken ct)
    {
        var evaluator = new IntegrityEvaluator(options, clock, today, yesterday, counts);
        if (batch.Count == 0) return evaluator;
        var responses = batch.Select(b => b.Response).ToList();
        var firstHour = responses.Min(r => r.SubmittedHourUtc);

        // Burst: responses already stored per counter and hour, counted once per counter-hour. The unit narrows the
        // count to the (UnitId, SubmittedHourUtc) index: a counter belongs to one unit.
        counts.Trim();
        // Not for answers entered by an official: Burst does not apply to them, and a bulk import spans many hours.
        foreach (var (counterId, unitId, hour) in batch.Where(b => b.Response.CounterId is not null && !b.EnteredByOfficial)
                     .Select(b => (b.Response.CounterId!.Value, b.Response.UnitId, b.Response.SubmittedHourUtc)).Distinct())
        {
            if (counts.PerCounterHour.ContainsKey((counterId, hour))) continue;
            counts.PerCounterHour[(counterId, hour)] = await db.Responses
                .CountAsync(r => r.UnitId == unitId && r.SubmittedHourUtc == hour && r.CounterId == counterId, ct);
        }

        // Opening hours come with the counter (already loaded by the submission path). A malformed text (it is
        // checked when set) counts as always open: never flag on a typo.
        foreach (var (response, _, hours, _) in batch)
            if (response.CounterId is int id && hours is not null && !evaluator._openingHours.ContainsKey(id)
                && OpeningHours.TryParse(hours, out var parsed, out _))
                evaluator._openingHours[id] = parsed!;

        // More than dossiers: the imported count (re-read after a few seconds: imports are monthly, and this flag is
        // a hint, not a rule), and the unit's responses of that local month (counted once).
        var now = Environment.TickCount64;
        var unitMonths = responses.Select(r => (r.UnitId, Month: evaluator.MonthOf(r.SubmittedHourUtc))).Distinct()
            .Where(k => !counts.Dossiers.TryGetValue(k, out var known) || now - known.ReadAt > RunningCounts.DossierTtl.TotalMilliseconds)
            .ToList();
        if (unitMonths.Count > 0)
        {
            var unitIds = unitMonths.Select(u => u.UnitId).Distinct().ToList();
            var months = unitMonths.Select(u => u.Month).Distinct().ToList();
            var imported = await db.DossierCounts.AsNoTracking().Where(d => unitIds.Contains(d.UnitId) && months.Contains(d.Month))
                .ToDictionaryAsync(d => (d.UnitId, d.Month), d => d.Count, ct);
            foreach (var key in unitMonths)
                counts.Dossiers[key] = (imported.TryGetValue(key, out var count) ? count : null, now);
        }
        foreach (var key in responses.Select(r => (r.UnitId, Month: evaluator.MonthOf(r.SubmittedHourUtc))).Distinct())
        {
            if (counts.Dossiers[key].Count is not int dossiers) continue;
            evaluator._dossiers[key] = dossiers;
            if (counts.PerUnitMonth.ContainsKey(key)) continue;
            var start = clock.StartOfDayUtc(key.Month);
            var end = clock.StartOfDayUtc(key.Month.AddMonths(1));
            var unitId = key.UnitId;
            counts.PerUnitMonth[key] = await db.Responses.CountAsync(r => r.UnitId == unitId && r.SubmittedHourUtc >= start && r.SubmittedHourUtc < end, ct);
        }

        // Repeat device: hashed sightings at the same counter within the window, under today's or yesterday's secret.
        if (today.Length > 0)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (response, device, _, _) in batch)
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
    /// <param name="enteredByOfficial">Scanned or typed by an official: its hour is when it was entered, not a visit, so
    /// Burst, OutsideHours and RepeatDevice do not apply (METHODOLOGY §6); MoreThanDossiers does.</param>
    public ResponseFlags Evaluate(SurveyDbContext db, Response response, string? device, bool enteredByOfficial = false)
    {
        var flags = ResponseFlags.None;
        var hour = response.SubmittedHourUtc;
        if (response.CounterId is int counterId && !enteredByOfficial)
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
