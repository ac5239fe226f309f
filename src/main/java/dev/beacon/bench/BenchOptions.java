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
    int warmupSeconds,
    String dbUrl,
    String dbUser,
    String dbPassword,
    boolean h2,
    boolean hotKey,
    boolean retries,
    boolean late,
    int batchSize,
    String batchWindow,
    Path json,
    long seed,
    boolean journeys,
    boolean behaviour,
    int clients,
    double idleClients,
    boolean bandit,
    long banditRewards,
    int nodes,
    long erasure,
    boolean routes,
    int senders) {

  /** What is wrong with these parameters beyond their syntax, one line each; empty when nothing is. */
  List<String> problems() {
    var problems = new ArrayList<String>();
    if (events < 1) problems.add("--events: at least 1");
    if (campaigns < 1 || users < 1 || partitions < 1 || latencyRate < 1 || latencySeconds < 0 || warmupSeconds < 0) {
      problems.add("sizes and rates must be positive");
    }
    if (!h2 && dbUrl == null) problems.add("--no-h2 needs --db-url");
    if (clients < 0) problems.add("--clients: 0 or more");
    if (idleClients < 0 || idleClients > 1) problems.add("--idle-clients: a share from 0 to 1");
    if (banditRewards < 0) problems.add("--bandit-rewards: 0 or more");
    if (nodes < 1) problems.add("--nodes: 1 or more");
    if (nodes > 1 && (dbUrl == null || !dbUrl.startsWith("jdbc:postgresql:"))) {
      problems.add("--nodes " + nodes + ": the nodes share one database, and H2 cannot be shared by several JVMs: "
          + "give a PostgreSQL one with --db-url jdbc:postgresql://host:5432/db");
    }
    if (erasure < 0) problems.add("--erasure: 0 or more");
    if (erasure > 0 && (dbUrl == null || !dbUrl.startsWith("jdbc:postgresql:"))) {
      problems.add("--erasure: give a PostgreSQL database with --db-url jdbc:postgresql://host:5432/db (its journal is searched)");
    }
    if (senders < 1) problems.add("--senders: 1 or more");
    if (routes && events > Integer.MAX_VALUE) problems.add("--routes: at most " + Integer.MAX_VALUE + " events per route");
    return problems;
  }
}
