using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> subscription)
    {
        subscription.Property(s => s.Url).HasMaxLength(500);
        subscription.Property(s => s.Events).HasMaxLength(500);
        subscription.Property(s => s.ProtectedSecret).HasMaxLength(1000);
        subscription.Property(s => s.CreatedBy).HasMaxLength(256);
    }
}
