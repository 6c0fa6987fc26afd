using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> token)
    {
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.Property(t => t.TokenHash).HasMaxLength(64);
        token.Property(t => t.Name).HasMaxLength(100);
        token.HasOne(t => t.Official).WithMany().HasForeignKey(t => t.OfficialId).OnDelete(DeleteBehavior.Cascade);
    }
}
