using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public const int ActorLength = 256;
    public const int ActionLength = 64;
    public const int TargetLength = 200;
    public const int DetailsLength = 1000;

    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.Property(e => e.Actor).HasMaxLength(ActorLength);
        entry.Property(e => e.Action).HasMaxLength(ActionLength);
        entry.Property(e => e.Target).HasMaxLength(TargetLength);
        entry.Property(e => e.Details).HasMaxLength(DetailsLength);
        entry.HasIndex(e => e.UtcTime);
        entry.HasIndex(e => new { e.Action, e.UtcTime });
        entry.HasIndex(e => new { e.Actor, e.UtcTime });
    }
}
