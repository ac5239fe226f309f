package dev.beacon.report;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;

import dev.beacon.common.ApiError;
import dev.beacon.common.QueryParams;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/reports/daily?organizationId=&date=&format=csv|json} (read scope): the
 * organisation's {@link DailyReport} of a UTC day (default yesterday), as JSON (default) or CSV.
 */
public final class ReportRoutes extends AllDirectives {
  private static final ContentType.WithCharset CSV = MediaTypes.TEXT_CSV.toContentType(HttpCharsets.UTF_8);
  private static final List<String> FORMATS = List.of("json", "csv");
  private final DailyReports reports;
  private final Access access;
  private final Clock clock;

  public ReportRoutes(DailyReports reports, Access access, Clock clock) {
    this.reports = reports;
    this.access = access;
    this.clock = clock;
  }

  public Route routes() {
    return get(() -> path(PathMatchers.segment("api").slash("reports").slash("daily"),
        () -> parameterOptional("organizationId", org -> parameterOptional("date", date -> parameterOptional("format", format -> {
          var reasons = new ArrayList<String>();
          if (org.isEmpty() || org.get().isBlank()) reasons.add("organizationId: required");
          var day = QueryParams.date(date, "date", reasons).orElse(LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1));
          var as = format.orElse("json");
          if (!FORMATS.contains(as)) reasons.add("format: must be json or csv");
          if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("bad parameters", reasons));
          return access.allow(Scope.READ, org.get(), () -> onAnswer(reports.report(org.get(), day),
              report -> as.equals("csv") ? complete(HttpEntities.create(CSV, report.csv())) : ok(report)));
        })))));
  }
}
