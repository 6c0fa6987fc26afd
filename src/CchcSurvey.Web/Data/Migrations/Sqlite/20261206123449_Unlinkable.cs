using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Unlinkable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Used",
                table: "DossierTokens",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // A used token keeps only that it was used, never when (METHODOLOGY §6, Unlinkable).
            migrationBuilder.Sql("UPDATE \"DossierTokens\" SET \"Used\" = 1 WHERE \"UsedHourUtc\" IS NOT NULL");

            migrationBuilder.DropColumn(
                name: "UsedHourUtc",
                table: "DossierTokens");

            migrationBuilder.CreateTable(
                name: "SiteSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Secret = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteSecrets", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SiteSecrets");

            migrationBuilder.DropColumn(
                name: "Used",
                table: "DossierTokens");

            migrationBuilder.AddColumn<DateTime>(
                name: "UsedHourUtc",
                table: "DossierTokens",
                type: "TEXT",
                nullable: true);
        }
    }
}
