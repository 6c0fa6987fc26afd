using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class InstrumentTranslationConfiguration : IEntityTypeConfiguration<InstrumentTranslationRow>
{
    public void Configure(EntityTypeBuilder<InstrumentTranslationRow> translation)
    {
        translation.ToTable("InstrumentTranslations");
        translation.Property(t => t.Language).HasMaxLength(3);
        translation.Property(t => t.Name).HasMaxLength(100);
        translation.HasIndex(t => new { t.InstrumentVersionId, t.Language }).IsUnique();
        translation.HasOne(t => t.InstrumentVersion).WithMany().HasForeignKey(t => t.InstrumentVersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class InstrumentRecordingConfiguration : IEntityTypeConfiguration<InstrumentRecording>
{
    public void Configure(EntityTypeBuilder<InstrumentRecording> recording)
    {
        recording.Property(r => r.ItemCode).HasMaxLength(64);
        recording.Property(r => r.Language).HasMaxLength(3);
        recording.Property(r => r.ContentType).HasMaxLength(32);
        recording.Property(r => r.Sha256).HasMaxLength(64);
        recording.HasIndex(r => new { r.InstrumentVersionId, r.ItemCode, r.Language }).IsUnique();
        recording.HasOne<InstrumentVersion>().WithMany().HasForeignKey(r => r.InstrumentVersionId).OnDelete(DeleteBehavior.Cascade);
    }
}
