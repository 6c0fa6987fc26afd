using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class PendingCellResponseConfiguration : IEntityTypeConfiguration<PendingCellResponse>
{
    public void Configure(EntityTypeBuilder<PendingCellResponse> pending) => pending.HasKey(p => p.SubmissionId);
}
