using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class DossierTokenConfiguration : IEntityTypeConfiguration<DossierToken>
{
    public void Configure(EntityTypeBuilder<DossierToken> token)
    {
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.Property(t => t.TokenHash).HasMaxLength(64);
        token.HasOne(t => t.Counter).WithMany().HasForeignKey(t => t.CounterId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class DeviceSightingConfiguration : IEntityTypeConfiguration<DeviceSighting>
{
    public void Configure(EntityTypeBuilder<DeviceSighting> sighting)
    {
        sighting.HasIndex(s => new { s.KeyHash, s.CounterId, s.HourUtc });
        // The cleanup deletes by age.
        sighting.HasIndex(s => s.HourUtc);
        sighting.Property(s => s.KeyHash).HasMaxLength(64);
        sighting.HasOne<Counter>().WithMany().HasForeignKey(s => s.CounterId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SightingSecretConfiguration : IEntityTypeConfiguration<SightingSecret>
{
    public void Configure(EntityTypeBuilder<SightingSecret> secret)
    {
        secret.HasKey(s => s.Day);
        secret.Property(s => s.Secret).HasMaxLength(32);
    }
}

public sealed class SiteSecretConfiguration : IEntityTypeConfiguration<SiteSecret>
{
    public void Configure(EntityTypeBuilder<SiteSecret> secret)
    {
        secret.HasKey(s => s.Name);
        secret.Property(s => s.Name).HasMaxLength(64);
        secret.Property(s => s.Secret).HasMaxLength(64);
    }
}

public sealed class DossierCountConfiguration : IEntityTypeConfiguration<DossierCount>
{
    public void Configure(EntityTypeBuilder<DossierCount> count)
    {
        count.HasIndex(c => new { c.UnitId, c.Month }).IsUnique();
        count.HasOne(c => c.Unit).WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}
