using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class StatisticsCellConfiguration : IEntityTypeConfiguration<StatisticsCell>
{
    public void Configure(EntityTypeBuilder<StatisticsCell> cell)
    {
        cell.HasIndex(c => new { c.UnitId, c.InstrumentVersionId, c.Period, c.PeriodStart, c.Channel, c.Flagged }).IsUnique();
        cell.Property(c => c.Channel).HasMaxLength(8);
        cell.Property(c => c.Period).HasConversion<byte>();
        cell.Property(c => c.Revision).IsConcurrencyToken();
        cell.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
        cell.HasOne<InstrumentVersion>().WithMany().HasForeignKey(c => c.InstrumentVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}
