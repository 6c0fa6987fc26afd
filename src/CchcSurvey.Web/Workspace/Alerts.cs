using System.Globalization;
using System.Net.Mail;
using CchcSurvey.Core.Instruments;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Indices;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Surveys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Workspace;

/// <summary>
/// Raises alerts: a low rating with a comment (one per response), and a unit whose weekly satisfied share of
/// a satisfaction instrument (<see cref="IsShareInstrument"/>: overall item, the unit's whole subtree, local Monday–Sunday) is below
/// <c>Alerts:WeeklyShareThreshold</c> — only when that week's n ≥ MinN (docs/methodology.md §4.9), for the
/// current and the previous week. Idempotent: each alert has a unique key, so a rescan adds nothing twice.
/// </summary>
public sealed class AlertScanner(
    SurveyDbContext db, IndexQueries queries, InstrumentRegistry registry, LocalClock clock,
    IOptions<AlertOptions> options, AlertMailer mailer, Webhooks.WebhookOutbox webhooks)
{
    /// <summary>
    /// Instruments watched weekly: those whose overall item is their headline — a quick rating (an overall item alone,
    /// like NHANH) or an instrument with elements (like SIPAS-DV); not scored ones (TT01 points, policy, PAPI dimensions).
    /// </summary>
    public static bool IsShareInstrument(InstrumentDefinition definition) =>
        definition.Figures.HasFlag(InstrumentFigures.Overall)
        && (definition.Figures & (InstrumentFigures.Policy | InstrumentFigures.Indicators | InstrumentFigures.Dimensions)) == 0;

    public async Task<IReadOnlyList<Alert>> ScanAsync(CancellationToken ct)
    {
        // Alerts keep the local date they were raised, never a time (METHODOLOGY §6, Unlinkable): the UTC instant of
        // the local midnight. A scan time would put a low-rated response within one scan interval.
        var now = clock.StartOfDayUtc(clock.Today());
        var candidates = new List<Alert>();
        candidates.AddRange(await LowRatingsAsync(now, ct));
        candidates.AddRange(await WeeklySharesAsync(now, ct));
        if (candidates.Count == 0) return [];

        var keys = candidates.Select(a => a.Key).ToList();
        var existing = (await db.Alerts.AsNoTracking().Where(a => keys.Contains(a.Key)).Select(a => a.Key).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var fresh = candidates.Where(a => !existing.Contains(a.Key)).DistinctBy(a => a.Key).ToList();
        if (fresh.Count == 0) return [];
        // The alerts and their webhook deliveries (which need the alerts' ids) commit together.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Alerts.AddRange(fresh);
            await db.SaveChangesAsync(ct);
            await webhooks.StageAlertsAsync(fresh, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await mailer.NotifyAsync(fresh, ct);
        return fresh;
    }

    public static DateOnly WeekStartOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private async Task<List<Alert>> LowRatingsAsync(DateTime now, CancellationToken ct)
    {
        // Only responses of days before today: an alert that appeared minutes after an answer would be a clock.
        // (now is the start of today.)
        var since = now.AddDays(-Math.Max(1, options.Value.LookbackDays));
        var rows = await db.Responses.AsNoTracking().Where(r => r.SubmittedHourUtc >= since && r.SubmittedHourUtc < now)
            .WithComment().WithLowRating((await registry.CurrentAsync(db, ct)).Select(i => i.Definition))
            .Select(r => new { r.Id, r.UnitId, r.SubmittedHourUtc, Instrument = r.InstrumentVersion.Code, UnitName = r.Unit.Name })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var date = DateOnly.FromDateTime(clock.ToLocal(r.SubmittedHourUtc));
            return new Alert
            {
                Key = $"low:{r.Id}",
                Kind = AlertKinds.LowRating,
                UnitId = r.UnitId,
                ResponseId = r.Id,
                WeekStart = WeekStartOf(date),
                Message = string.Create(CultureInfo.InvariantCulture, $"Đánh giá thấp kèm góp ý ({r.Instrument}, {r.UnitName}, ngày {date:dd/MM/yyyy})."),
                CreatedUtc = now,
            };
        }).ToList();
    }

    private async Task<List<Alert>> WeeklySharesAsync(DateTime now, CancellationToken ct)
    {
        var alerts = new List<Alert>();
        var units = await db.Units.AsNoTracking().Where(u => u.IsActive).ToListAsync(ct);
        if (units.Count == 0) return alerts;
        var thisWeek = WeekStartOf(clock.Today());
        var threshold = options.Value.WeeklyShareThreshold;
        foreach (var published in (await registry.CurrentAsync(db, ct)).Where(i => IsShareInstrument(i.Definition)))
        {
            var instrument = published.Code;
            var item = IndexApi.DefaultRankingItem(published.Definition);
            foreach (var week in new[] { thisWeek.AddDays(-7), thisWeek })
            {
                var counts = await queries.SatisfiedAsync(units, instrument, item, new IndexFilter(week, week.AddDays(6), null), ct);
                foreach (var unit in units)
                {
                    var count = counts[unit.Id];
                    if (count.N < queries.Options.MinN) continue;
                    var share = 100.0 * count.Satisfied / count.N;
                    if (share >= threshold) continue;
                    alerts.Add(new Alert
                    {
                        Key = string.Create(CultureInfo.InvariantCulture, $"week:{unit.Id}:{instrument}:{week:yyyy-MM-dd}"),
                        Kind = AlertKinds.WeeklyShare,
                        UnitId = unit.Id,
                        WeekStart = week,
                        Message = string.Create(CultureInfo.GetCultureInfo("vi"),
                            $"Tỷ lệ hài lòng {instrument} tuần từ {week:dd/MM/yyyy} của {unit.Name}: {share:0.0}% (n={count.N}), dưới ngưỡng {threshold:0.#}%."),
                        CreatedUtc = now,
                    });
                }
            }
        }
        return alerts;
    }
}

/// <summary>One e-mail about alerts.</summary>
public sealed record AlertEmail(IReadOnlyList<string> To, string Subject, string Body);

/// <summary>Sends alert e-mails; replaced by a fake in tests.</summary>
public interface IAlertSender
{
    Task SendAsync(AlertEmail email, CancellationToken ct);
}

/// <summary>Plain SMTP through <see cref="SmtpClient"/> (enough for one message per alert to a few managers).</summary>
public sealed class SmtpAlertSender(IOptions<SmtpOptions> options) : IAlertSender
{
    public async Task SendAsync(AlertEmail email, CancellationToken ct)
    {
        var smtp = options.Value;
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl };
        if (!string.IsNullOrEmpty(smtp.UserName))
            client.Credentials = new System.Net.NetworkCredential(smtp.UserName, smtp.Password);
        using var message = new MailMessage { From = new MailAddress(smtp.From), Subject = email.Subject, Body = email.Body, IsBodyHtml = false };
        foreach (var to in email.To) message.To.Add(to);
        await client.SendMailAsync(message, ct);
    }
}

/// <summary>
/// E-mails new alerts to the managers whose scope contains the alert's unit. Without <c>Smtp:Host</c> it does
/// nothing and says so once in the log. A failed send is logged and left for the dashboard; it never stops a scan.
/// </summary>
public sealed class AlertMailer(
    IOptions<SmtpOptions> smtp, IAlertSender sender, SurveyDbContext db, UserManager<Official> users,
    ILogger<AlertMailer> logger)
{
    private static int _notConfiguredLogged;

    public async Task NotifyAsync(IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        if (alerts.Count == 0) return;
        if (!smtp.Value.IsConfigured)
        {
            if (Interlocked.Exchange(ref _notConfiguredLogged, 1) == 0)
                logger.LogInformation("Smtp:Host is not configured; alerts are shown on the dashboard only, not e-mailed.");
            return;
        }
        var managers = (await users.GetUsersInRoleAsync(Roles.Manager)).Where(m => m.ScopeUnitId is not null && !string.IsNullOrEmpty(m.Email)).ToList();
        var scopeIds = managers.Select(m => m.ScopeUnitId!.Value).Distinct().ToList();
        var unitIds = alerts.Select(a => a.UnitId).Distinct().ToList();
        var paths = await db.Units.AsNoTracking().Where(u => scopeIds.Contains(u.Id) || unitIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.Path, ct);
        foreach (var alert in alerts)
        {
            var unitPath = paths[alert.UnitId];
            var to = managers.Where(m => Indices.UnitPath.IsWithin(unitPath, paths[m.ScopeUnitId!.Value]))
                .Select(m => m.Email!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (to.Count == 0) continue;
            try
            {
                await sender.SendAsync(new AlertEmail(to, "[CchcSurvey] Cảnh báo: " + alert.Message,
                    alert.Message + "\n\nXem và xác nhận tại /dashboard/alerts."), ct);
                db.Alerts.Attach(alert);
                // The date only, like the alert itself.
                alert.EmailedUtc = alert.CreatedUtc;
            }
            catch (Exception e) when (e is SmtpException or InvalidOperationException or IOException)
            {
                logger.LogWarning(e, "Could not e-mail alert {Key}", alert.Key);
            }
        }
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Runs the <see cref="AlertScanner"/> every <c>Alerts:IntervalMinutes</c> (first run after one interval).</summary>
public sealed class AlertBackgroundService(IServiceScopeFactory scopes, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        var interval = TimeSpan.FromMinutes(Math.Max(1, options.Value.IntervalMinutes));
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // Once per interval across all instances on the database (else each instance would e-mail the same alert).
                if (!await Operations.JobLeases.TryClaimAsync(scopes, Operations.JobLeases.Alerts, interval, time, stoppingToken)) continue;
                await using var scope = scopes.CreateAsyncScope();
                var raised = await scope.ServiceProvider.GetRequiredService<AlertScanner>().ScanAsync(stoppingToken);
                if (raised.Count > 0) logger.LogInformation("Raised {Count} alerts", raised.Count);
                // Deadline reminders of improvement plans ride on the same schedule and mailer.
                var reminded = await scope.ServiceProvider.GetRequiredService<CchcSurvey.Web.Plans.PlanReminders>().SendAsync(stoppingToken);
                if (reminded > 0) logger.LogInformation("Sent {Count} plan reminders", reminded);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Alert scan failed");
            }
        }
    }
}

/// <summary>The number of open alerts in the signed-in official's scope, for the navigation badge.</summary>
public sealed class AlertBadge(OfficialScope scope, SurveyDbContext db)
{
    public async Task<int> OpenCountAsync(CancellationToken ct = default)
    {
        var visible = await scope.VisibleUnitIdsAsync(ct);
        return await db.Alerts.AsNoTracking().CountAsync(a => a.AcknowledgedUtc == null && visible.Contains(a.UnitId), ct);
    }
}
