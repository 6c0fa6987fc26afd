using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KioskTablets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KioskTablets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CounterId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EnrolmentCodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    EnrolmentExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EnrolledUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KioskTablets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KioskTablets_Counters_CounterId",
                        column: x => x.CounterId,
                        principalTable: "Counters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KioskTablets_CounterId",
                table: "KioskTablets",
                column: "CounterId");

            migrationBuilder.CreateIndex(
                name: "IX_KioskTablets_EnrolmentCodeHash",
                table: "KioskTablets",
                column: "EnrolmentCodeHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KioskTablets");
        }
    }
}
