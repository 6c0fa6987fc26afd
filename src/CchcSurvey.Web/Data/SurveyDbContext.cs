using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CchcSurvey.Web.Data;

/// <summary>
/// The application's database. Each provider has its own subclass (and so its own migrations folder):
/// <see cref="SqliteSurveyDbContext"/> and <see cref="PostgresSurveyDbContext"/>. Code depends on this base.
/// </summary>
public abstract class SurveyDbContext(DbContextOptions options) : IdentityDbContext<Official>(options), IDataProtectionKeyContext
{
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<InstrumentVersion> InstrumentVersions => Set<InstrumentVersion>();
    public DbSet<Response> Responses => Set<Response>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<StatisticsCell> StatisticsCells => Set<StatisticsCell>();
    public DbSet<DossierToken> DossierTokens => Set<DossierToken>();
    public DbSet<DeviceSighting> DeviceSightings => Set<DeviceSighting>();
    public DbSet<SightingSecret> SightingSecrets => Set<SightingSecret>();
    public DbSet<SiteSecret> SiteSecrets => Set<SiteSecret>();
    public DbSet<DossierCount> DossierCounts => Set<DossierCount>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<UnitElementLead> UnitElementLeads => Set<UnitElementLead>();
    public DbSet<CommentNote> CommentNotes => Set<CommentNote>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<FollowUpCase> Cases => Set<FollowUpCase>();
    public DbSet<Publication> Publications => Set<Publication>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanCriterion> PlanCriteria => Set<PlanCriterion>();
    public DbSet<PlanCriterionUnit> PlanCriterionUnits => Set<PlanCriterionUnit>();
    public DbSet<PlanTask> PlanTasks => Set<PlanTask>();
    public DbSet<PlanTaskUnit> PlanTaskUnits => Set<PlanTaskUnit>();
    public DbSet<PlanTaskProgress> PlanTaskProgress => Set<PlanTaskProgress>();
    public DbSet<PlanEvidence> PlanEvidence => Set<PlanEvidence>();
    public DbSet<PlanCriterionValue> PlanCriterionValues => Set<PlanCriterionValue>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();
    public DbSet<ReorganisationJob> ReorganisationJobs => Set<ReorganisationJob>();
    public DbSet<PendingCellResponse> PendingCellResponses => Set<PendingCellResponse>();
    public DbSet<KioskTablet> KioskTablets => Set<KioskTablet>();
    public DbSet<InstrumentTranslationRow> InstrumentTranslations => Set<InstrumentTranslationRow>();
    public DbSet<InstrumentRecording> InstrumentRecordings => Set<InstrumentRecording>();
    public DbSet<PaperSheet> PaperSheets => Set<PaperSheet>();
    public DbSet<PaperPage> PaperPages => Set<PaperPage>();
    public DbSet<PaperBatch> PaperBatches => Set<PaperBatch>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(SurveyDbContext).Assembly, t => t.Namespace == typeof(Configurations.UnitConfiguration).Namespace);
    }
}

public sealed class SqliteSurveyDbContext(DbContextOptions<SqliteSurveyDbContext> options) : SurveyDbContext(options);

public sealed class PostgresSurveyDbContext(DbContextOptions<PostgresSurveyDbContext> options) : SurveyDbContext(options);
