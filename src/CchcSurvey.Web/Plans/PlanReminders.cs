using CchcSurvey.Core.Plans;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Infrastructure;
using CchcSurvey.Web.Security;
using CchcSurvey.Web.Workspace;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CchcSurvey.Web.Plans;

/// <summary>
/// E-mails the managers of a task's lead units <c>Plans:ReminderDays</c> days before its deadline and once when it
/// becomes overdue (the deadline passed within the last week and it is not done). Runs with the alert scanner and
/// sends through the same <see cref="IAlertSender"/>; without <c>Smtp:Host</c> it sends and marks nothing, so the
/// reminders go out once SMTP is configured. Each task is reminded once and noticed overdue once.
/// </summary>
public sealed class PlanReminders(
    SurveyDbContext db, IOptions<SmtpOptions> smtp, IOptions<PlanOptions> options, IAlertSender sender, UserManager<Official> users,
    LocalClock clock, TimeProvider time, Webhooks.WebhookOutbox webhooks, ILogger<PlanReminders> logger)
{
    /// <summary>How far back a passed deadline still earns its overdue notice (older plans are not e-mailed about at once).</summary>
    public const int OverdueLookbackDays = 7;

    public async Task<int> SendAsync(CancellationToken ct)
    {
        await StageOverdueEventsAsync(ct);
        if (!smtp.Value.IsConfigured) return 0;
        var today = clock.Today();
        var days = Math.Max(0, options.Value.ReminderDays);
        var soon = today.AddDays(days);
        var since = today.AddDays(-OverdueLookbackDays);
        var tasks = await db.PlanTasks.AsSplitQuery()
            .Include(t => t.Units).ThenInclude(u => u.Unit).Include(t => t.Progress).Include(t => t.Criterion).ThenInclude(c => c.Plan)
            .Where(t => (days > 0 && t.ReminderSentUtc == null && t.Deadline >= today && t.Deadline <= soon)
                || (t.OverdueNoticeSentUtc == null && t.Deadline < today && t.Deadline >= since))
            .ToListAsync(ct);
        if (tasks.Count == 0) return 0;
        var managers = (await users.GetUsersInRoleAsync(Roles.Manager)).Where(m => m.ScopeUnitId is not null && !string.IsNullOrEmpty(m.Email) && m.LockoutEnd is null).ToList();
        var scopeIds = managers.Select(m => m.ScopeUnitId!.Value).Distinct().ToList();
        var paths = await db.Units.AsNoTracking().Where(u => scopeIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Path, ct);
        var sent = 0;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var task in tasks)
        {
            var status = TaskBuckets.StatusAsOf(task.Progress.Select(p => new ProgressEntry(p.Date, p.Status)), today);
            if (status is { Status: ProgressStatus.Done }) continue;
            var to = managers.Where(m => task.Units.Any(u => Indices.UnitPath.IsWithin(u.Unit.Path, paths[m.ScopeUnitId!.Value])))
                .Select(m => m.Email!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var overdue = task.Deadline < today;
            var plan = task.Criterion.Plan;
            var subject = overdue
                ? $"[CchcSurvey] Nhiệm vụ quá hạn: {plan.Code} {task.Code}"
                : $"[CchcSurvey] Nhắc hạn {task.Deadline:dd/MM/yyyy}: {plan.Code} {task.Code}";
            var body = $"{plan.Title}\n\nNhiệm vụ {task.Code}: {task.Title}\nĐơn vị chủ trì: {task.LeadText}\nHạn: {task.Deadline:dd/MM/yyyy}"
                + (overdue ? " (đã quá hạn, chưa báo cáo hoàn thành)" : $" (còn {task.Deadline.DayNumber - today.DayNumber} ngày)")
                + $"\n\nBáo cáo tiến độ tại /plans/{plan.Code}/tasks/{task.Code}.";
            try
            {
                if (to.Count > 0)
                {
                    await sender.SendAsync(new AlertEmail(to, subject, body), ct);
                    sent++;
                }
                if (overdue) task.OverdueNoticeSentUtc = now;
                else task.ReminderSentUtc = now;
            }
            catch (Exception e) when (e is System.Net.Mail.SmtpException or InvalidOperationException or IOException)
            {
                logger.LogWarning(e, "Could not e-mail the reminder of task {Plan}/{Task}", plan.Code, task.Code);
            }
        }
        await db.SaveChangesAsync(ct);
        return sent;
    }

    /// <summary>
    /// Stages one <c>plan.task.overdue</c> webhook event per task whose deadline passed within the last week without it
    /// being done, whether or not e-mail is configured; the event and its marker commit together.
    /// </summary>
    public async Task<int> StageOverdueEventsAsync(CancellationToken ct)
    {
        var today = clock.Today();
        var since = today.AddDays(-OverdueLookbackDays);
        var tasks = await db.PlanTasks.AsSplitQuery()
            .Include(t => t.Units).ThenInclude(u => u.Unit).Include(t => t.Progress).Include(t => t.Criterion).ThenInclude(c => c.Plan)
            .Where(t => t.OverdueEventUtc == null && t.Deadline < today && t.Deadline >= since)
            .ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var staged = 0;
        foreach (var task in tasks)
        {
            var status = TaskBuckets.StatusAsOf(task.Progress.Select(p => new ProgressEntry(p.Date, p.Status)), today);
            if (status is { Status: ProgressStatus.Done }) continue;
            var plan = task.Criterion.Plan;
            await webhooks.StageAsync(Webhooks.WebhookEvents.PlanTaskOverdue, new Webhooks.PlanTaskOverdueData(plan.Code, task.Code, task.Title,
                task.Units.Select(u => u.Unit.Code).Order(StringComparer.Ordinal).ToList(), Webhooks.WebhookJson.Date(task.Deadline), $"/plans/{plan.Code}"), ct);
            task.OverdueEventUtc = now;
            staged++;
        }
        if (staged > 0) await db.SaveChangesAsync(ct);
        return staged;
    }
}
