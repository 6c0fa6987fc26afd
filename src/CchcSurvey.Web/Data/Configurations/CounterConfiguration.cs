using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class CounterConfiguration : IEntityTypeConfiguration<Counter>
{
    public void Configure(EntityTypeBuilder<Counter> counter)
    {
        counter.HasIndex(c => c.Code).IsUnique();
        counter.Property(c => c.Code).HasMaxLength(40);
        counter.Property(c => c.Name).HasMaxLength(200);
        counter.Property(c => c.DefaultInstrument).HasMaxLength(32);
        counter.Property(c => c.Instruments).HasMaxLength(200);
        counter.Property(c => c.OpeningHours).HasMaxLength(200);
        counter.Ignore(c => c.InstrumentCodes);
        counter.HasOne(c => c.Unit).WithMany(u => u.Counters).HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
    }
}
