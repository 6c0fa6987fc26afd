using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class PaperSheetConfiguration : IEntityTypeConfiguration<PaperSheet>
{
    public void Configure(EntityTypeBuilder<PaperSheet> b)
    {
        b.ToTable("PaperSheets");
        b.Property(s => s.Serial).HasMaxLength(10).IsRequired();
        b.HasIndex(s => s.Serial).IsUnique();
        b.Property(s => s.Language).HasMaxLength(8).IsRequired();
        b.HasOne(s => s.Counter).WithMany().HasForeignKey(s => s.CounterId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(s => s.InstrumentVersion).WithMany().HasForeignKey(s => s.InstrumentVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(s => new { s.Status, s.CounterId });
    }
}

public sealed class PaperPageConfiguration : IEntityTypeConfiguration<PaperPage>
{
    public void Configure(EntityTypeBuilder<PaperPage> b)
    {
        b.ToTable("PaperPages");
        b.HasOne(p => p.Sheet).WithMany(s => s.ScannedPages).HasForeignKey(p => p.SheetId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.Problem).HasMaxLength(300);
        b.HasIndex(p => new { p.Status, p.UnitId });
    }
}

public sealed class PaperBatchConfiguration : IEntityTypeConfiguration<PaperBatch>
{
    public void Configure(EntityTypeBuilder<PaperBatch> b)
    {
        b.ToTable("PaperBatches");
        b.Property(p => p.FileName).HasMaxLength(200);
        b.Property(p => p.StoredFile).HasMaxLength(64);
        b.Property(p => p.UploadedBy).HasMaxLength(256);
        b.Property(p => p.Problem).HasMaxLength(300);
        b.HasIndex(p => new { p.Status, p.CreatedUtc });
    }
}
