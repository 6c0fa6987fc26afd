using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> lease)
    {
        lease.HasKey(j => j.Name);
        lease.Property(j => j.Name).HasMaxLength(64);
        lease.Property(j => j.Holder).HasMaxLength(200);
        // The rows exist from the migration on, so that claiming a run is one conditional UPDATE.
        lease.HasData(
            new JobLease { Name = Operations.JobLeases.Alerts, LastRunUtc = DateTime.UnixEpoch },
            new JobLease { Name = Operations.JobLeases.SightingCleanup, LastRunUtc = DateTime.UnixEpoch },
            new JobLease { Name = Operations.JobLeases.PaperBatches, LastRunUtc = DateTime.UnixEpoch });
    }
}
