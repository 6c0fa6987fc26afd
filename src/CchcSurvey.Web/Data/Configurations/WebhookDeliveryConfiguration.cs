using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.Property(d => d.Id).ValueGeneratedNever();
        delivery.Property(d => d.Event).HasMaxLength(50);
        // The dispatcher's query: pending deliveries by due time.
        delivery.HasIndex(d => new { d.Status, d.NextAttemptUtc });
        delivery.HasIndex(d => new { d.SubscriptionId, d.CreatedUtc });
        delivery.HasOne(d => d.Subscription).WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}
