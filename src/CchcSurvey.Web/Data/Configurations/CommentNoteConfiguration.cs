using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CchcSurvey.Web.Data.Configurations;

public sealed class CommentNoteConfiguration : IEntityTypeConfiguration<CommentNote>
{
    public void Configure(EntityTypeBuilder<CommentNote> note)
    {
        note.HasKey(n => n.ResponseId);
        note.Property(n => n.ResponseId).ValueGeneratedNever();
        note.HasOne(n => n.Response).WithOne().HasForeignKey<CommentNote>(n => n.ResponseId).OnDelete(DeleteBehavior.Cascade);
        note.Property(n => n.Tags).HasMaxLength(500);
        note.Property(n => n.HandledBy).HasMaxLength(256);
        note.Ignore(n => n.TagList);
    }
}
