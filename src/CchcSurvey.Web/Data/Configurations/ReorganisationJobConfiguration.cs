using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class ReorganisationJobConfiguration : IEntityTypeConfiguration<ReorganisationJob>
{
    public void Configure(EntityTypeBuilder<ReorganisationJob> job)
    {
        job.Property(j => j.Actor).HasMaxLength(256);
        job.Property(j => j.FileName).HasMaxLength(256);
        job.Property(j => j.Sha256).HasMaxLength(64);
        job.Property(j => j.ConfirmedScopes).HasMaxLength(4000);
        job.Property(j => j.Outcome).HasMaxLength(4000);
        job.HasIndex(j => j.Status);
    }
}
