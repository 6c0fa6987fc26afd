using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class UnitElementLeadConfiguration : IEntityTypeConfiguration<UnitElementLead>
{
    public const int ElementLength = 8;
    public const int DepartmentLength = 200;

    public void Configure(EntityTypeBuilder<UnitElementLead> lead)
    {
        lead.Property(l => l.Element).HasMaxLength(ElementLength);
        lead.Property(l => l.Department).HasMaxLength(DepartmentLength);
        lead.HasIndex(l => new { l.UnitId, l.Element }).IsUnique();
        // Units are never deleted (they are merged), so the settings live exactly as long as their unit.
        lead.HasOne(l => l.Unit).WithMany().HasForeignKey(l => l.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}
