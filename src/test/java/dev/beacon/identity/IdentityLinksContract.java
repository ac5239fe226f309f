package dev.beacon.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Database;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.ReadSideDatabase;
import dev.beacon.identity.IdentityLinks.Ids;
import dev.beacon.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Identity links in a real database: the journeys a sequence of Segment calls resolves to, by
 * the rules {@link IdentityLinks} states; four clients linking the same ids at once agree; an
 * erasure's person has every id, and forgetting it leaves no row. Subclasses choose the database.
 */
abstract class IdentityLinksContract {
  abstract TestDatabase database(Path dir);

  private TestDatabase db;
  private ReadSideDatabase pool;
  private IdentityLinks links;

  @BeforeEach
  void migrate() throws Exception {
    db = database(Files.createTempDirectory("beacon-identity"));
    var settings = new DatabaseSettings(db.url, db.user, db.password, 5);
    Database.migrate(settings);
    pool = new ReadSideDatabase(settings, 5);
    links = links();
  }

  /** A node's own links: another node's cache is its own. */
  private IdentityLinks links() {
    return new IdentityLinks(pool.dataSource(), Clock.systemUTC(), 1000, Duration.ofMinutes(1));
  }

  @AfterEach
  void close() throws Exception {
    pool.close();
    db.close();
  }

  @Test
  void aVisitorWhoBrowsesSignsInAndBuysFromTheServerHasOneJourney() throws Exception {
    var journeys = links.journeyUsers("shop", List.of(
        new Ids(null, "anon-1"),          // page
        new Ids(null, "anon-1"),          // Product Viewed
        new Ids("ann", "anon-1"),         // identify
        new Ids("ann", null)));           // Order Completed, from the server
    assertThat(journeys).containsOnly("anon-1");
    assertThat(links.journeyUserOf("shop", "ann")).isEqualTo("anon-1");
    assertThat(links().journeyUserOf("shop", "ann")).as("another node reads the link").isEqualTo("anon-1");
    assertThat(links.journeyUserOf("other", "ann")).as("organisations apart").isEqualTo("ann");
  }

  @Test
  void aKnownUserSigningInOnANewDeviceKeepsTheirJourney() throws Exception {
    assertThat(links.journeyUsers("shop", List.of(new Ids("bob", null)))).containsExactly("bob");
    // the new device browsed before signing in: its earlier events stay in their own journey
    assertThat(links.journeyUsers("shop", List.of(new Ids(null, "phone")))).containsExactly("phone");
    assertThat(links.journeyUsers("shop", List.of(new Ids("bob", "phone"), new Ids(null, "phone"))))
        .containsExactly("bob", "bob");
    assertThat(links().journeyUsers("shop", List.of(new Ids(null, "phone")))).as("another node").containsExactly("bob");
  }

  @Test
  void aSharedDeviceStaysWithItsFirstUser() throws Exception {
    links.journeyUsers("shop", List.of(new Ids("cid", "kiosk")));
    links.journeyUsers("shop", List.of(new Ids("dan", null)));
    assertThat(links.journeyUsers("shop", List.of(new Ids("dan", "kiosk"), new Ids(null, "kiosk"))))
        .containsExactly("dan", "cid");
  }

  @Test
  void fourClientsLinkingTheSameIdsAtOnceAgree() throws Exception {
    var pool = Executors.newFixedThreadPool(4);
    try {
      for (var round = 0; round < 20; round++) {
        var anon = "a" + round;
        var user = "u" + round;
        var calls = new ArrayList<Callable<List<String>>>();
        for (var client = 0; client < 4; client++) {
          var nodeLinks = links();
          var ids = client % 2 == 0 ? new Ids(user, anon) : new Ids(null, anon);
          calls.add(() -> nodeLinks.journeyUsers("shop", List.of(ids, new Ids(user, anon))));
        }
        var answers = new ArrayList<String>();
        for (var future : pool.invokeAll(calls)) answers.addAll(future.get());
        var settled = links().journeyUserOf("shop", user);
        assertThat(links().journeyUserOf("shop", anon)).isEqualTo(settled);
        // every call with both ids joined the settled journey
        for (var i = 1; i < answers.size(); i += 2) assertThat(answers.get(i)).isEqualTo(settled);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPersonHasEveryLinkedIdAndForgettingThemLeavesNoRow() throws Exception {
    links.journeyUsers("shop", List.of(new Ids(null, "anon-9"), new Ids("eve", "anon-9"), new Ids("eve", "tablet")));
    var person = links.personOf("shop", "eve");
    assertThat(person.journeyUserId()).isEqualTo("anon-9");
    assertThat(person.ids()).isEqualTo(Set.of("eve", "anon-9", "tablet"));
    assertThat(links.personOf("shop", "tablet")).isEqualTo(person);

    links.forget("shop", person);
    try (var connection = pool.dataSource().getConnection();
        var rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM identity_links")) {
      rows.next();
      assertThat(rows.getLong(1)).isZero();
    }
    assertThat(links.journeyUserOf("shop", "eve")).isEqualTo("eve");
  }
}
