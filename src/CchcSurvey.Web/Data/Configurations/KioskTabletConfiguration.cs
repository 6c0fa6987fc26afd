using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class KioskTabletConfiguration : IEntityTypeConfiguration<KioskTablet>
{
    public const int NameLength = 100;

    public void Configure(EntityTypeBuilder<KioskTablet> tablet)
    {
        tablet.Property(t => t.Name).HasMaxLength(NameLength);
        tablet.Property(t => t.EnrolmentCodeHash).HasMaxLength(64);
        tablet.HasIndex(t => t.EnrolmentCodeHash).IsUnique();
        tablet.HasIndex(t => t.CounterId);
        // Counters are never deleted (responses refer to them); a tablet row outlives nothing it names.
        tablet.HasOne(t => t.Counter).WithMany().HasForeignKey(t => t.CounterId).OnDelete(DeleteBehavior.Restrict);
    }
}
