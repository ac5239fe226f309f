package dev.beacon.bandit.model;

import static dev.beacon.bandit.model.ModelFixtures.ARMS;
import static dev.beacon.bandit.model.ModelFixtures.NOW;
import static dev.beacon.bandit.model.ModelFixtures.ORG;
import static dev.beacon.bandit.model.ModelFixtures.settings;
import static dev.beacon.bandit.model.ModelFixtures.x;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.bandit.ParameterAssertions;
import dev.beacon.bandit.model.ModelFixtures.Model;
import dev.beacon.privacy.Forgotten;
import dev.beacon.testing.MovableClock;
import dev.beacon.testing.ReseedableRandom;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestKits;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A model asked to forget a user on the real journal: its parameters then equal, to 1e-9, those of
 * a twin that never saw the user (decisions by several users, rewards learned, windows closed with
 * reward 0, checkpoints taken, a restart after), the user's open decisions are gone, and no
 * journal row or snapshot at or above the sequence number it answers holds the user id. Every
 * decision is uniformly random (ε = 1), and both models draw the same number for the same
 * decision, so they choose the same arms whatever they learned. Subclasses choose the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BanditModelForgettingContract {
  private static final String FORGOTTEN = "user-to-forget-7f3a";
  private static final Duration WINDOW = Duration.ofHours(1);

  abstract TestDatabase database();

  private TestDatabase db;
  private ActorTestKit testKit;
  private final MovableClock clock = new MovableClock(NOW);

  @BeforeAll
  void start() {
    db = database();
    testKit = TestKits.withJournal(getClass().getSimpleName(), db, "");
  }

  @AfterAll
  void stop() {
    if (testKit != null) testKit.shutdownTestKit();
    if (db != null) db.close();
  }

  private Model model(ReseedableRandom random) {
    var settings = settings("epsilon = 1.0\ncheckpoint-every = 4\nreward-window = " + WINDOW.toMinutes() + "m");
    return new Model(testKit, "model-" + UUID.randomUUID(), settings, clock, random).configured();
  }

  private static StatusReply<Forgotten> forget(Model model, String userId) {
    return model.ask(replyTo -> new BanditModel.ForgetUser(userId, replyTo));
  }

  @Test
  void afterForgettingAUserTheModelEqualsOneThatNeverSawThemAndNoRowFromTheSnapshotOnNamesThem() throws SQLException {
    var drawsAll = new ReseedableRandom(0);
    var drawsWithout = new ReseedableRandom(0);
    var all = model(drawsAll);
    var without = model(drawsWithout);
    var world = new SplittableRandom(5);
    var openOfForgotten = new ArrayList<String>();
    for (var step = 0; step < 60; step++) {
      var user = step % 4 == 1 ? FORGOTTEN : "user-" + step % 3;
      var features = x(1, world.nextDouble() * 4 - 2, world.nextGaussian());
      var reward = world.nextInt(3) == 0 ? -1.0 : world.nextDouble();
      var rewarded = world.nextInt(4) > 0;
      drawsAll.reseed(step);
      var made = all.decideFor(user, features);
      if (rewarded) assertThat(all.reward(made.decisionId(), reward).getValue().learned()).isTrue();
      if (user.equals(FORGOTTEN)) {
        if (!rewarded && step > 40) openOfForgotten.add(made.decisionId());
      } else {
        drawsWithout.reseed(step);
        var twin = without.decideFor(user, features);
        assertThat(twin.arm()).isEqualTo(made.arm());
        if (rewarded) without.reward(twin.decisionId(), reward);
      }
      // the first 40 steps' decisions close by their window (unrewarded ones learn 0); the later ones stay open
      if (step == 39) {
        clock.advance(WINDOW.plusMinutes(1));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> all.stats().openDecisions() == 0 && without.stats().openDecisions() == 0);
      }
    }
    assertThat(openOfForgotten).isNotEmpty();
    assertThat(all.checkpoints()).isNotEmpty();

    var forgotten = forget(all, FORGOTTEN).getValue();

    assertThat(forgotten.persistenceId()).isEqualTo(all.persistenceId());
    ParameterAssertions.assertEquivalent(all.export(), without.export());
    for (var decisionId : openOfForgotten) {
      assertThat(all.reward(decisionId, 1).getError()).hasMessage(BanditModel.UNKNOWN_DECISION);
    }
    assertThat(rowsNaming(FORGOTTEN, all, "event_journal", "event_payload", 0)).as("the journal below").isNotEmpty();
    assertThat(rowsNaming(FORGOTTEN, all, "event_journal", "event_payload", forgotten.snapshotSequenceNr())).isEmpty();
    assertThat(rowsNaming(FORGOTTEN, all, "snapshot", "snapshot_payload", forgotten.snapshotSequenceNr())).isEmpty();
    assertThat(rowsNaming("user-1", all, "snapshot", "snapshot_payload", forgotten.snapshotSequenceNr()))
        .as("the other users' open decisions stay").isNotEmpty();
    assertThat(snapshotAt(all, forgotten.snapshotSequenceNr())).isTrue();

    all.restart();
    ParameterAssertions.assertEquivalent(all.export(), without.export());
  }

  @Test
  void aUserWithOnlyOpenDecisionsOrNoneIsForgottenWithoutChangingWhatTheModelLearnedAndTwiceChangesNothing() {
    var model = model(new ReseedableRandom(3));
    model.learn(x(1, 2, 3), 1);
    var open = model.decideFor(FORGOTTEN, x(1, 0, 1));
    model.decideFor("someone-else", x(1, 1, 1));
    var learned = model.export();

    var first = forget(model, FORGOTTEN).getValue();
    var afterFirst = model.export();
    var second = forget(model, FORGOTTEN).getValue();
    var neverSeen = forget(model, "never-seen").getValue();

    ParameterAssertions.assertEquivalent(afterFirst, learned);
    ParameterAssertions.assertEquivalent(model.export(), learned);
    assertThat(model.stats().openDecisions()).as("the rewarded and the other user's decisions").isEqualTo(2);
    assertThat(model.reward(open.decisionId(), 1).getError()).hasMessage(BanditModel.UNKNOWN_DECISION);
    assertThat(second.snapshotSequenceNr()).isGreaterThan(first.snapshotSequenceNr());
    assertThat(neverSeen.snapshotSequenceNr()).isGreaterThan(second.snapshotSequenceNr());
    assertThat(model.journal()).filteredOn(BanditModel.UserForgotten.class::isInstance).hasSize(3);
  }

  @Test
  void forgettingAUserAfterARollbackSubtractsOnlyWhatTheRolledBackParametersHold() {
    var drawsAll = new ReseedableRandom(0);
    var drawsWithout = new ReseedableRandom(0);
    var all = model(drawsAll);
    var without = model(drawsWithout);
    var steps = List.of(FORGOTTEN, "a", FORGOTTEN, "b", "a", FORGOTTEN, "b", "a");
    for (var i = 0; i < steps.size(); i++) {
      drawsAll.reseed(i);
      var made = all.decideFor(steps.get(i), x(1, i, -i));
      all.reward(made.decisionId(), i % 2);
      // the twin learns only the other users' updates before the checkpoint (updates-4) the model goes back to
      if (i < 4 && !steps.get(i).equals(FORGOTTEN)) {
        drawsWithout.reseed(i);
        without.reward(without.decideFor(steps.get(i), x(1, i, -i)).decisionId(), i % 2);
      }
    }
    assertThat(all.rollback("updates-4").isSuccess()).isTrue();

    forget(all, FORGOTTEN).getValue();

    ParameterAssertions.assertEquivalent(all.export(), without.export());
    assertThat(all.checkpoints()).extracting(BanditModel.CheckpointInfo::name).contains("updates-4");
  }

  /** The sequence numbers of the rows of this model in {@code table} from {@code from} on whose payload holds {@code userId} in UTF-8. */
  private List<Long> rowsNaming(String userId, Model model, String table, String payload, long from) throws SQLException {
    var needle = userId.getBytes(StandardCharsets.UTF_8);
    var found = new ArrayList<Long>();
    try (var c = db.connect();
        var st = c.prepareStatement("SELECT \"sequence_number\", \"" + payload + "\" FROM \"" + table
            + "\" WHERE \"persistence_id\" = ? AND \"sequence_number\" >= ?")) {
      st.setString(1, model.persistenceId());
      st.setLong(2, from);
      try (var rows = st.executeQuery()) {
        while (rows.next()) {
          if (contains(rows.getBytes(2), needle)) found.add(rows.getLong(1));
        }
      }
    }
    return found;
  }

  private boolean snapshotAt(Model model, long sequenceNr) throws SQLException {
    try (var c = db.connect();
        var st = c.prepareStatement("SELECT count(*) FROM \"snapshot\" WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?")) {
      st.setString(1, model.persistenceId());
      st.setLong(2, sequenceNr);
      try (var rows = st.executeQuery()) {
        rows.next();
        return rows.getInt(1) == 1;
      }
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (var i = 0; i + needle.length <= haystack.length; i++) {
      for (var j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
