using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InstrumentVersionId = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InstrumentVersionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    SavedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstrumentTranslations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InstrumentTranslations_InstrumentVersions_InstrumentVersionId",
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
