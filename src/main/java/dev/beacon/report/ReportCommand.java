package dev.beacon.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.beacon.campaign.Campaign;
import dev.beacon.campaign.CampaignQueries;
import dev.beacon.campaign.CampaignSettings;
import dev.beacon.campaign.OrganizationCampaigns;
import dev.beacon.common.BeaconConfig;
import dev.beacon.common.CommandLines;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.HttpSettings;
import dev.beacon.common.Json;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.common.StartupFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar beacon.jar report --organization ORG [--date DAY] [--format csv|json] [--output FILE]}:
 * the daily report the server's {@code /api/reports/daily} answers, read from the database the
 * server uses (Beacon's configuration: BEACON_DB_URL, else the H2 file under BEACON_DATA_DIR). It
 * runs the campaign entities on a cluster of its own, which only recovers them (it persists
 * nothing), and reads the read side as the server does, so the figures are the server's. Exit
 * status 0 written, 1 the database out of reach, 2 bad arguments.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
    customSynopsis = "java -jar beacon.jar report --organization ORG [--date YYYY-MM-DD] [--format csv|json] [--output FILE] "
        + "[--data-dir DIR | --db-url JDBC-URL]",
    description = {
        "Writes an organisation's daily report: per campaign its KPIs, its conversions under each attribution",
        "model and its anomaly alerts; the same as GET /api/reports/daily."},
    footer = {"",
        "The database is Beacon's: BEACON_DB_URL (PostgreSQL: while the server runs), else the H2 file under the data "
            + "directory (H2 allows one process: stop the server first)."})
public final class ReportCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;
  @Option(names = "--organization", paramLabel = "ORG", required = true, description = "the organisation")
  private String organization;
  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the UTC day (default: yesterday)")
  private String date;
  @Option(names = "--format", paramLabel = "csv|json", description = "csv (default) or json")
  private String format = "csv";
  @Option(names = "--output", paramLabel = "FILE", description = "where to write it (default: stdout)")
  private Path output;
  @Option(names = "--data-dir", paramLabel = "DIR", description = "Beacon's data directory (default: BEACON_DATA_DIR, ./data)")
  private Path dataDir;
  @Option(names = "--db-url", paramLabel = "JDBC-URL", description = "Beacon's database (default: BEACON_DB_URL, else H2 under the data directory)")
  private String dbUrl;
  private final PrintStream out;
  private final PrintStream err;

  private ReportCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs with the arguments after the word {@code report}; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CommandLines.execute(ReportCommand.class, args, out, err);
  }

  @Override
  public Integer call() {
    LocalDate day;
    try {
      day = date == null ? LocalDate.now(ZoneOffset.UTC).minusDays(1) : LocalDate.parse(date);
    } catch (java.time.format.DateTimeParseException e) {
      return CommandLines.badUsage(spec, List.of("--date: must be a date such as 2026-12-01"));
    }
    if (!List.of("csv", "json").contains(format)) return CommandLines.badUsage(spec, List.of("--format: must be csv or json"));
    var config = config();
    var beacon = config.getConfig("beacon");
    var database = DatabaseSettings.from(beacon);
    if (database.h2File().isPresent() && !Files.exists(Path.of(database.h2File().get() + ".mv.db"))) {
      err.println("Beacon cannot report: no Beacon database at " + database.h2File().get()
          + " (name it with --data-dir or --db-url, or BEACON_DATA_DIR or BEACON_DB_URL)");
      return 1;
    }
    ActorSystem<Void> system = null;
    try (var readSide = new ReadSideDatabase(database, 2)) {
      system = ActorSystem.create(Behaviors.empty(), "beacon-report", config);
      joinItself(system);
      var clock = Clock.systemUTC();
      Campaign.init(system, CampaignSettings.from(beacon.getConfig("campaign")), clock);
      OrganizationCampaigns.init(system);
      var http = HttpSettings.from(beacon.getConfig("http"));
      var queries = new CampaignQueries(ClusterSharding.get(system), http.askTimeout(), clock);
      var reports = new DailyReports(queries, readSide.dataSource(), system.dispatchers().lookup(DispatcherSelector.blocking()));
      var report = reports.report(organization, day).toCompletableFuture().get(1, TimeUnit.MINUTES);
      var text = format.equals("csv") ? report.csv() : Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n";
      if (output == null) {
        out.print(text);
        out.flush();
      } else {
        Files.writeString(output, text, StandardCharsets.UTF_8);
        err.println("Wrote the " + day + " report of " + organization + " (" + report.campaigns().size() + " campaigns) to " + output);
      }
      return 0;
    } catch (IOException e) {
      err.println("Beacon cannot report: " + output + " cannot be written (" + StartupFailure.rootReason(e) + ")");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("Beacon cannot report: interrupted");
      return 1;
    } catch (Exception e) {
      err.println("Beacon cannot report: the database at " + database.url() + " did not answer ("
          + StartupFailure.rootReason(e) + ")");
      return 1;
    } finally {
      if (system != null) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
      }
    }
  }

  /** Beacon's configuration for a node of its own: a cluster of one on a free port, quiet, leaving the JVM alone. */
  private Config config() {
    var overrides = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        beacon.cluster.seed-nodes = ""
        beacon.cluster.lease = off
        """);
    if (dbUrl != null) overrides = overrides.withValue("beacon.db.url", ConfigValueFactory.fromAnyRef(dbUrl));
    if (dataDir != null) {
      overrides = overrides.withValue("beacon.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toAbsolutePath().toString()));
    }
    return BeaconConfig.load(overrides);
  }

  private static void joinItself(ActorSystem<?> system) throws Exception {
    var up = new CompletableFuture<Void>();
    org.apache.pekko.cluster.Cluster.get(system.classicSystem()).registerOnMemberUp(() -> up.complete(null));
    var cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    up.get(30, TimeUnit.SECONDS);
  }
}
