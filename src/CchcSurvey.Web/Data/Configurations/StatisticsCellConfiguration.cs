using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class StatisticsCellConfiguration : IEntityTypeConfiguration<StatisticsCell>
{
    public void Configure(EntityTypeBuilder<StatisticsCell> cell)
    {
        cell.HasIndex(c => new { c.UnitId, c.InstrumentVersionId, c.Period, c.PeriodStart, c.Channel, c.Flagged }).IsUnique();
        // Covering index for rankings, response counts and the fingerprints of kept figures (Indices/FigureCache.cs:
        // count, ids, revisions, responses): the sums are read from the index alone, without touching the wide rows
        // that carry the statistics JSON.
        cell.HasIndex(c => new { c.UnitId, c.Period, c.PeriodStart, c.InstrumentVersionId, c.Channel, c.Flagged, c.OverallN, c.OverallSatisfied, c.Responses, c.Revision, c.Id })
            .HasDatabaseName("IX_StatisticsCells_Covering");
        cell.Property(c => c.Channel).HasMaxLength(8);
        cell.Property(c => c.Period).HasConversion<byte>();
        cell.Property(c => c.Revision).IsConcurrencyToken();
        cell.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
        cell.HasOne<InstrumentVersion>().WithMany().HasForeignKey(c => c.InstrumentVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}
