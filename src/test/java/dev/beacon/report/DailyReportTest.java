package dev.beacon.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.beacon.campaign.CampaignQueries.CampaignAlert;
import dev.beacon.common.Json;
import dev.beacon.report.DailyReport.CampaignRow;
import dev.beacon.report.DailyReport.Credit;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DailyReportTest {
  private static final DailyReport REPORT = new DailyReport("acme", LocalDate.parse("2026-12-01"), List.of(
      new CampaignRow("spring, \"sale\"", 1000, 50, 5, 5.0, 10.0, new BigDecimal("50.5"), new BigDecimal("500"),
          new BigDecimal("1.01"), new BigDecimal("10.1"), 990, 40, 5, 15, 1.4218, Map.of("last_click", new Credit(5, 500), "first_click", new Credit(2, 200)), 1),
      new CampaignRow("utm-only", 0, 0, 0, null, null, BigDecimal.ZERO, BigDecimal.ZERO, null, null, 0, 0, 0, 0, null,
          Map.of("linear", new Credit(0.5, 12.25)), 0)),
      Map.of("first_click", new Credit(2, 200)),
      List.of(new CampaignAlert("spring, \"sale\"", "ctr", Instant.parse("2026-12-01T10:00:00Z"), 1.0, 5.0, -8.0, "below")));

  private static List<List<String>> parse(String csv) throws Exception {
    try (MappingIterator<List<String>> rows = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
        .readerForListOf(String.class).readValues(csv)) {
      return rows.readAll();
    }
  }

  @Test
  void theCsvQuotesWhatMustBeQuotedAndParsesBackToTheFigures() throws Exception {
    var csv = REPORT.csv();
    assertThat(csv).contains("\"spring, \"\"sale\"\"\"").doesNotContain("\"position_based_conversions\"");
    var rows = parse(csv);
    var columns = DailyReport.columns();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0)).isEqualTo(columns);
    assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(columns.size()));
    var first = rows.get(1);
    assertThat(first.get(columns.indexOf("campaign_id"))).isEqualTo("spring, \"sale\"");
    assertThat(first.get(columns.indexOf("spent"))).isEqualTo("50.5");
    assertThat(first.get(columns.indexOf("last_click_revenue"))).isEqualTo("500.0");
    assertThat(first.get(columns.indexOf("first_click_conversions"))).isEqualTo("2.0");
    assertThat(first.get(columns.indexOf("position_based_conversions"))).isEqualTo("0.0");
    assertThat(first.get(columns.indexOf("alert_metrics"))).isEqualTo("ctr");
    assertThat(first.get(columns.indexOf("valid_clicks"))).isEqualTo("40");
    assertThat(first.get(columns.indexOf("invalid_events"))).isEqualTo("15");
    assertThat(first.get(columns.indexOf("invalid_traffic_rate"))).isEqualTo("1.4218");
    var second = rows.get(2);
    assertThat(second.get(columns.indexOf("ctr"))).as("no impressions: no rate").isEmpty();
    assertThat(second.get(columns.indexOf("invalid_traffic_rate"))).isEmpty();
    assertThat(second.get(columns.indexOf("linear_revenue"))).isEqualTo("12.25");
  }

  @Test
  void theJsonListsTheModelsFirstClickFirst() throws Exception {
    var json = Json.MAPPER.writeValueAsString(REPORT);
    assertThat(json.indexOf("\"first_click\"")).isLessThan(json.indexOf("\"last_click\""));
    assertThat(Json.MAPPER.readTree(json).get("campaigns").get(1).get("ctr").isNull()).isTrue();
  }
}
