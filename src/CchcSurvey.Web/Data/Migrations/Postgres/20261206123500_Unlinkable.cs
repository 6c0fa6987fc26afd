using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Postgres
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // A used token keeps only that it was used, never when (METHODOLOGY §6, Unlinkable).
            migrationBuilder.Sql("UPDATE \"DossierTokens\" SET \"Used\" = TRUE WHERE \"UsedHourUtc\" IS NOT NULL");

            migrationBuilder.DropColumn(
                name: "UsedHourUtc",
                table: "DossierTokens");

            migrationBuilder.CreateTable(
                name: "SiteSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Secret = table.Column<byte[]>(type: "bytea", maxLength: 64, nullable: false)
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
                type: "timestamp with time zone",
                nullable: true);
        }
    }
}
