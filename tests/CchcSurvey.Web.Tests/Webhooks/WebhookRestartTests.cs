using System.Net;
using CchcSurvey.Web.Data;
using CchcSurvey.Web.Tests.Infrastructure;
using CchcSurvey.Web.Tests.Pages.Admin;
using CchcSurvey.Web.Tests.Pages.Comments;
using CchcSurvey.Web.Webhooks;

namespace CchcSurvey.Web.Tests.Webhooks;

/// <summary>The outbox is in the database: a delivery recorded before a restart is sent by the next instance.</summary>
public sealed class WebhookRestartTests
{
    [Fact]
    public async Task A_delivery_recorded_before_a_restart_is_sent_after_it()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), "cchc-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            Guid id;
            using (var before = new RestartedAppFactory(file))
            {
                // The dispatcher is off: the event can only wait in the outbox.
                before.ExtraSettings["Webhooks:Enabled"] = "false";
                var admin = await AdminForms.AdminAsync(before);
                var created = await AdminForms.PostAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Create",
                    ("ReceiverUrl", receiver.Path("restart")), ("Secret", "restart-secret-0123456789abcdef"), ("Events", WebhookEvents.PublicationPublished));
                Assert.Equal(HttpStatusCode.OK, created.StatusCode);
                var published = await AdminForms.PostAsync(admin, "/admin/publishing", "/admin/publishing?handler=Publish", ("unit", "VQ-AS"), ("quarter", WorkspaceSteps.CurrentQuarter()));
                Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
                var pending = before.WithDatabase(db => db.WebhookDeliveries.Single());
                Assert.Equal(WebhookDeliveryStatus.Pending, pending.Status);
                id = pending.Id;
                await Task.Delay(300);
                Assert.Empty(receiver.At("restart"));
            }
            using var after = new RestartedAppFactory(file);
            after.ExtraSettings["Webhooks:PollSeconds"] = "0.1";
            _ = after.Services;   // start the host, and with it the dispatcher
            var received = Assert.Single(await receiver.WaitForAsync("restart", 1));
            Assert.Equal(id.ToString(), received.Id);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" })
                try { File.Delete(f); } catch (IOException) { }
        }
    }
}
