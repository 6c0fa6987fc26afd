using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class InstrumentVersionConfiguration : IEntityTypeConfiguration<InstrumentVersion>
{
    public void Configure(EntityTypeBuilder<InstrumentVersion> version)
    {
        version.HasIndex(v => new { v.Code, v.Version }).IsUnique();
        version.Property(v => v.Code).HasMaxLength(32);
        version.Property(v => v.Title).HasMaxLength(300);
    }
}
