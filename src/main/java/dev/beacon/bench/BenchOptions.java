package dev.beacon.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bench command's parameters, with their defaults; every one is printed with the results. */
record BenchOptions(
    long events,
    int campaigns,
    int users,
    int partitions,
    int latencyRate,
    int latencySeconds,
    String dbUrl,
    String dbUser,
    String dbPassword,
    boolean h2,
    boolean hotKey,
    boolean retries,
    int batchSize,
    String batchWindow,
    Path json,
    long seed,
    boolean journeys) {

  static final String USAGE = """
      Usage: java -jar beacon.jar bench [options]
        --events N            events per scenario (default 2000000)
        --campaigns N         campaigns in the mix (default 1000)
        --users N             users in the mix (default 100000)
        --partitions N        partitions of the bench topics (default 8)
        --rate N              offered rate of the latency run, events/s (default 5000)
        --latency-seconds N   length of the latency run (default 20)
        --db-url URL          also run on this PostgreSQL database (a schema is made and dropped)
        --db-user U           (default beacon)  --db-password P (default beacon)
        --no-h2               skip the H2 runs
        --no-hot-key          skip the hot-key variant
        --no-retries          skip the retries variant (the mix with 10% of events sent twice,
                              half of them within the same micro-batch, checked against an oracle)
        --batch-size N        micro-batch size (default from application.conf)
        --batch-window D      micro-batch window, e.g. 100ms
        --json FILE           also write the results as JSON
        --seed S              (default 42)
        --no-journeys         keep only the dedup window in journeys (no sessions, touchpoints,
                              conversions, credits, read tables): what journeys cost
      """;

  static BenchOptions parse(String[] args, List<String> errors) {
    long events = 2_000_000;
    int campaigns = 1_000, users = 100_000, partitions = 8, rate = 5_000, latencySeconds = 20, batchSize = 0;
    String dbUrl = null, dbUser = "beacon", dbPassword = "beacon", batchWindow = null;
    boolean h2 = true, hot = true, retries = true, journeys = true;
    Path json = null;
    long seed = 42;
    var rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      var flag = rest.remove(0);
      try {
        switch (flag) {
          case "--events" -> events = Long.parseLong(value(rest, flag));
          case "--campaigns" -> campaigns = Integer.parseInt(value(rest, flag));
          case "--users" -> users = Integer.parseInt(value(rest, flag));
          case "--partitions" -> partitions = Integer.parseInt(value(rest, flag));
          case "--rate" -> rate = Integer.parseInt(value(rest, flag));
          case "--latency-seconds" -> latencySeconds = Integer.parseInt(value(rest, flag));
          case "--db-url" -> dbUrl = value(rest, flag);
          case "--db-user" -> dbUser = value(rest, flag);
          case "--db-password" -> dbPassword = value(rest, flag);
          case "--no-h2" -> h2 = false;
          case "--no-hot-key" -> hot = false;
          case "--no-retries" -> retries = false;
          case "--no-journeys" -> journeys = false;
          case "--batch-size" -> batchSize = Integer.parseInt(value(rest, flag));
          case "--batch-window" -> batchWindow = value(rest, flag);
          case "--json" -> json = Path.of(value(rest, flag));
          case "--seed" -> seed = Long.parseLong(value(rest, flag));
          default -> errors.add("unknown option " + flag);
        }
      } catch (NumberFormatException e) {
        errors.add(flag + ": not a number");
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    if (events < 1) errors.add("--events: at least 1");
    if (campaigns < 1 || users < 1 || partitions < 1 || rate < 1 || latencySeconds < 0) errors.add("sizes and rates must be positive");
    if (!h2 && dbUrl == null) errors.add("--no-h2 needs --db-url");
    return new BenchOptions(events, campaigns, users, partitions, rate, latencySeconds, dbUrl, dbUser, dbPassword, h2,
        hot, retries, batchSize, batchWindow, json, seed, journeys);
  }

  private static String value(List<String> rest, String flag) {
    if (rest.isEmpty()) throw new IllegalArgumentException(flag + ": needs a value");
    return rest.remove(0);
  }
}
