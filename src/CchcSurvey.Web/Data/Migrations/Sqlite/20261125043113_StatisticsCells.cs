using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StatisticsCells : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Flags",
                table: "Responses",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "StatisticsCells",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UnitId = table.Column<int>(type: "INTEGER", nullable: false),
                    InstrumentVersionId = table.Column<int>(type: "INTEGER", nullable: false),
                    Period = table.Column<byte>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Flagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    Responses = table.Column<long>(type: "INTEGER", nullable: false),
                    OverallN = table.Column<long>(type: "INTEGER", nullable: false),
                    OverallSatisfied = table.Column<long>(type: "INTEGER", nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatisticsCells", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StatisticsCells_InstrumentVersions_InstrumentVersionId",
                        column: x => x.InstrumentVersionId,
                        principalTable: "InstrumentVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_StatisticsCells_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Responses_SubmittedHourUtc",
                table: "Responses",
                column: "SubmittedHourUtc");

            migrationBuilder.CreateIndex(
                name: "IX_StatisticsCells_InstrumentVersionId",
                table: "StatisticsCells",
                column: "InstrumentVersionId");

            migrationBuilder.CreateIndex(
                name: "IX_StatisticsCells_UnitId_InstrumentVersionId_Period_PeriodStart_Channel_Flagged",
                table: "StatisticsCells",
                columns: new[] { "UnitId", "InstrumentVersionId", "Period", "PeriodStart", "Channel", "Flagged" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StatisticsCells");

            migrationBuilder.DropIndex(
                name: "IX_Responses_SubmittedHourUtc",
                table: "Responses");

            migrationBuilder.DropColumn(
                name: "Flags",
                table: "Responses");
        }
    }
}
