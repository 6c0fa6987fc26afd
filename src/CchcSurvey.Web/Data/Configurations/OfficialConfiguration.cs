using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class OfficialConfiguration : IEntityTypeConfiguration<Official>
{
    public void Configure(EntityTypeBuilder<Official> official) =>
        official.HasOne(o => o.ScopeUnit).WithMany().HasForeignKey(o => o.ScopeUnitId).OnDelete(DeleteBehavior.Restrict);
}
