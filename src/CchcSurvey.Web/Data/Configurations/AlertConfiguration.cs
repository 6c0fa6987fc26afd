using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> alert)
    {
        alert.HasIndex(a => a.Key).IsUnique();
        alert.HasIndex(a => new { a.UnitId, a.AcknowledgedUtc });
        alert.Property(a => a.Key).HasMaxLength(100);
        alert.Property(a => a.Kind).HasMaxLength(20);
        alert.Property(a => a.Message).HasMaxLength(500);
        alert.Property(a => a.AcknowledgedBy).HasMaxLength(256);
        alert.HasOne(a => a.Unit).WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}
