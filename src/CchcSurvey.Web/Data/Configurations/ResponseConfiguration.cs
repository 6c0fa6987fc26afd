using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class ResponseConfiguration : IEntityTypeConfiguration<Response>
{
    public void Configure(EntityTypeBuilder<Response> response)
    {
        response.HasIndex(r => r.SubmissionId).IsUnique();
        // The dashboard reads by unit and period.
        response.HasIndex(r => new { r.UnitId, r.SubmittedHourUtc });
        // Rebuilding statistics walks responses in time order.
        response.HasIndex(r => r.SubmittedHourUtc);
        response.Property(r => r.Channel).HasMaxLength(8);
        response.Property(r => r.PayloadHash).HasMaxLength(64);
        response.HasOne(r => r.Unit).WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        response.HasOne(r => r.Counter).WithMany().HasForeignKey(r => r.CounterId).OnDelete(DeleteBehavior.Restrict);
        response.HasOne(r => r.InstrumentVersion).WithMany().HasForeignKey(r => r.InstrumentVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}
