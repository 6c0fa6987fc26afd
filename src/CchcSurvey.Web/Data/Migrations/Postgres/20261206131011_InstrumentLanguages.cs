using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InstrumentLanguages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InstrumentRecordings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InstrumentVersionId = table.Column<int>(type: "integer", nullable: false),
                    ItemCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Language = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    UploadedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstrumentRecordings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InstrumentRecordings_InstrumentVersions_InstrumentVersionId",
                        column: x => x.InstrumentVersionId,
                        principalTable: "InstrumentVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InstrumentTranslations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InstrumentVersionId = table.Column<int>(type: "integer", nullable: false),
                    Language = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    SavedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstrumentTranslations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InstrumentTranslations_InstrumentVersions_InstrumentVersion~",
                        column: x => x.InstrumentVersionId,
                        principalTable: "InstrumentVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InstrumentRecordings_InstrumentVersionId_ItemCode_Language",
                table: "InstrumentRecordings",
                columns: new[] { "InstrumentVersionId", "ItemCode", "Language" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InstrumentTranslations_InstrumentVersionId_Language",
                table: "InstrumentTranslations",
                columns: new[] { "InstrumentVersionId", "Language" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstrumentRecordings");

            migrationBuilder.DropTable(
                name: "InstrumentTranslations");
        }
    }
}
