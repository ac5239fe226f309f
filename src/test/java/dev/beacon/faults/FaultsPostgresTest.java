package dev.beacon.faults;

import dev.beacon.testing.CampaignTotals;
import dev.beacon.testing.EventMix;
import dev.beacon.testing.Journeys;
import dev.beacon.testing.TcpProxy;
import dev.beacon.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * The faults on PostgreSQL (a fresh database per test, required in CI), and one only a database
 * server can have: it goes away for a while.
 */
class FaultsPostgresTest extends FaultsContract {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres();
  }

  @Test
  void aFifteenSecondDatabaseOutageMidStreamHealsByItselfWithExactTotals() throws Exception {
    var setup = setup();
    var address = setup.db().address();
    var proxy = kit.closeAfter(TcpProxy.to(address.getHostString(), address.getPort()));
    var mix = EventMix.generate(setup.topic(), 10_000, 21, Instant.now());
    var journeys = Journeys.generate(setup.topic(), "shop", 0, 300);
    // journeys spread over the campaign events: the projection is busy when the database goes
    var records = new ArrayList<>(mix.records);
    var step = mix.records.size() / journeys.records.size();
    for (int i = 0; i < journeys.records.size(); i++) records.add(i * (step + 1), journeys.records.get(i));
    // an entity whose write failed never answers: its batch is retried when the ask times out
    var server = start(setup, setup.db().throughLocalPort(proxy.port()), "beacon.ingest.entity-timeout = 5s\n");
    produce(records);
    awaitMidStream(server, mix.records.size());
    proxy.cut(Duration.ofSeconds(15));

    // no restart by hand: the pools, the journal, the entities, the stream and the projection heal
    CampaignTotals.await(server.httpPort(), mix, Duration.ofSeconds(90));
    journeys.awaitSteadyReadTables(setup.db(), Duration.ofSeconds(60));
  }
}
