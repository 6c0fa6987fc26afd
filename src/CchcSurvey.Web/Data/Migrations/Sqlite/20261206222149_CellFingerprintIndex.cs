using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CchcSurvey.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CellFingerprintIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_StatisticsCells_Covering",
                table: "StatisticsCells");

            migrationBuilder.CreateIndex(
                name: "IX_StatisticsCells_Covering",
                table: "StatisticsCells",
                columns: new[] { "UnitId", "Period", "PeriodStart", "InstrumentVersionId", "Channel", "Flagged", "OverallN", "OverallSatisfied", "Responses", "Revision", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_StatisticsCells_Covering",
                table: "StatisticsCells");

            migrationBuilder.CreateIndex(
                name: "IX_StatisticsCells_Covering",
                table: "StatisticsCells",
                columns: new[] { "UnitId", "Period", "PeriodStart", "InstrumentVersionId", "Channel", "Flagged", "OverallN", "OverallSatisfied", "Responses" });
        }
    }
}
