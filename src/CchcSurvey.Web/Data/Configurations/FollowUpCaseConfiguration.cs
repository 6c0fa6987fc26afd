using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class FollowUpCaseConfiguration : IEntityTypeConfiguration<FollowUpCase>
{
    public void Configure(EntityTypeBuilder<FollowUpCase> followUp)
    {
        followUp.ToTable("Cases");
        followUp.HasIndex(c => new { c.UnitId, c.Status });
        followUp.HasIndex(c => c.ResponseId);
        followUp.Property(c => c.Title).HasMaxLength(200);
        followUp.Property(c => c.OpenedBy).HasMaxLength(256);
        followUp.Property(c => c.InternalNotes).HasMaxLength(20000);
        followUp.Property(c => c.PublicAnswer).HasMaxLength(4000);
        followUp.HasOne(c => c.Response).WithMany().HasForeignKey(c => c.ResponseId).OnDelete(DeleteBehavior.Cascade);
        followUp.HasOne(c => c.Unit).WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Cascade);
        followUp.HasOne(c => c.Assignee).WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.SetNull);
    }
}
