using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> plan)
    {
        plan.HasIndex(p => p.Code).IsUnique();
        plan.Property(p => p.Code).HasMaxLength(32);
        plan.Property(p => p.Title).HasMaxLength(500);
        plan.Property(p => p.CreatedBy).HasMaxLength(256);
        plan.HasOne(p => p.Unit).WithMany().HasForeignKey(p => p.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class PlanCriterionConfiguration : IEntityTypeConfiguration<PlanCriterion>
{
    public void Configure(EntityTypeBuilder<PlanCriterion> criterion)
    {
        criterion.HasIndex(c => new { c.PlanId, c.Code }).IsUnique();
        criterion.Property(c => c.Code).HasMaxLength(32);
        criterion.Property(c => c.Index).HasMaxLength(8);
        criterion.Property(c => c.Title).HasMaxLength(500);
        criterion.Property(c => c.LeadText).HasMaxLength(500);
        criterion.Property(c => c.ImplementersText).HasMaxLength(500);
        criterion.Property(c => c.TargetText).HasMaxLength(500);
        criterion.Property(c => c.TargetUnit).HasMaxLength(20);
        criterion.Property(c => c.MeasuredBy).HasMaxLength(40);
        criterion.HasOne(c => c.Plan).WithMany(p => p.Criteria).HasForeignKey(c => c.PlanId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanCriterionUnitConfiguration : IEntityTypeConfiguration<PlanCriterionUnit>
{
    public void Configure(EntityTypeBuilder<PlanCriterionUnit> link)
    {
        link.HasKey(l => new { l.CriterionId, l.UnitId, l.Role });
        link.HasIndex(l => l.UnitId);
        link.HasOne(l => l.Criterion).WithMany(c => c.Units).HasForeignKey(l => l.CriterionId).OnDelete(DeleteBehavior.Cascade);
        link.HasOne(l => l.Unit).WithMany().HasForeignKey(l => l.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class PlanTaskConfiguration : IEntityTypeConfiguration<PlanTask>
{
    public void Configure(EntityTypeBuilder<PlanTask> task)
    {
        task.ToTable("PlanTasks");
        task.HasIndex(t => new { t.CriterionId, t.Code }).IsUnique();
        task.Property(t => t.Code).HasMaxLength(40);
        task.Property(t => t.Title).HasMaxLength(4000);
        task.Property(t => t.LeadText).HasMaxLength(500);
        task.HasOne(t => t.Criterion).WithMany(c => c.Tasks).HasForeignKey(t => t.CriterionId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanTaskUnitConfiguration : IEntityTypeConfiguration<PlanTaskUnit>
{
    public void Configure(EntityTypeBuilder<PlanTaskUnit> link)
    {
        link.HasKey(l => new { l.TaskId, l.UnitId });
        link.HasIndex(l => l.UnitId);
        link.HasOne(l => l.Task).WithMany(t => t.Units).HasForeignKey(l => l.TaskId).OnDelete(DeleteBehavior.Cascade);
        link.HasOne(l => l.Unit).WithMany().HasForeignKey(l => l.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class PlanTaskProgressConfiguration : IEntityTypeConfiguration<PlanTaskProgress>
{
    public void Configure(EntityTypeBuilder<PlanTaskProgress> progress)
    {
        progress.HasIndex(p => new { p.TaskId, p.Date });
        progress.Property(p => p.Note).HasMaxLength(4000);
        progress.Property(p => p.Author).HasMaxLength(256);
        progress.HasOne(p => p.Task).WithMany(t => t.Progress).HasForeignKey(p => p.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanEvidenceConfiguration : IEntityTypeConfiguration<PlanEvidence>
{
    public void Configure(EntityTypeBuilder<PlanEvidence> evidence)
    {
        evidence.HasIndex(e => e.ProgressId);
        evidence.HasIndex(e => e.StoredName).IsUnique();
        evidence.Property(e => e.FileName).HasMaxLength(200);
        evidence.Property(e => e.ContentType).HasMaxLength(100);
        evidence.Property(e => e.StoredName).HasMaxLength(64);
        evidence.Property(e => e.Sha256).HasMaxLength(64);
        evidence.HasOne(e => e.Progress).WithMany(p => p.Evidence).HasForeignKey(e => e.ProgressId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PlanCriterionValueConfiguration : IEntityTypeConfiguration<PlanCriterionValue>
{
    public void Configure(EntityTypeBuilder<PlanCriterionValue> value)
    {
        value.HasIndex(v => new { v.CriterionId, v.Period });
        value.Property(v => v.Period).HasMaxLength(8);
        value.Property(v => v.Note).HasMaxLength(1000);
        value.Property(v => v.Author).HasMaxLength(256);
        value.HasOne(v => v.Criterion).WithMany(c => c.Values).HasForeignKey(v => v.CriterionId).OnDelete(DeleteBehavior.Cascade);
    }
}
