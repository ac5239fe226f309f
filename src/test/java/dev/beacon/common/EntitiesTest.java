package dev.beacon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.beacon.testing.TestKits;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EntitiesTest {
  /** A line an entity logs, on any logger, carries its type and id in the MDC (JSON log lines show them). */
  @Test
  void everyLineAnEntityLogsCarriesItsTypeAndId() {
    var testKit = TestKits.clusterOfOne("entities-mdc");
    var logger = (Logger) LoggerFactory.getLogger(EntitiesTest.class);
    var lines = new ListAppender<ILoggingEvent>();
    lines.start();
    logger.addAppender(lines);
    try {
      var type = EntityTypeKey.create(String.class, "Echo");
      Entities.init(testKit.system(), type, id -> Behaviors.receive(String.class)
          .onMessageEquals("stop", Behaviors::stopped)
          .onMessage(String.class, message -> {
            logger.info("took {}", message);
            return Behaviors.same();
          })
          .build(), "stop");
      ClusterSharding.get(testKit.system()).entityRefFor(type, "acme|e-1").tell("hello");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        synchronized (lines) {
          return !lines.list.isEmpty();
        }
      });
      synchronized (lines) {
        assertEquals("took hello", lines.list.get(0).getFormattedMessage());
        assertEquals(Map.of("entityType", "Echo", "entityId", "acme|e-1"), lines.list.get(0).getMDCPropertyMap());
      }
    } finally {
      logger.detachAppender(lines);
      testKit.shutdownTestKit();
    }
  }

  @Test
  void anOrganizationScopedIdSplitsBackIntoItsParts() {
    var id = Entities.organizationScoped("acme", "spring|sale");
    assertEquals("acme", Entities.organizationOf(id));
    assertEquals("spring|sale", Entities.localIdOf(id), "only the organisation may not contain '|'");
  }

  @Test
  void anIdWithoutOrganizationIsItsOwnOrganization() {
    assertEquals("acme", Entities.organizationOf("acme"));
  }

  @Test
  void thePersistenceIdNamesTheEntityType() {
    var type = EntityTypeKey.create(String.class, "Campaign");
    assertEquals("Campaign|acme|spring", Entities.persistenceId(type, "acme|spring").id());
  }
}
