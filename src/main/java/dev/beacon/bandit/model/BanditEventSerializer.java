package dev.beacon.bandit.model;

import dev.beacon.common.CompactInput;
import dev.beacon.common.CompactOutput;
import dev.beacon.common.CompactSerializer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.TreeMap;

/**
 * The journal form of {@link BanditModel.InteractionsLearned}: a model persists one per share of
 * a micro-batch of the interactions topic, thousands of records with their features, so its size
 * and speed set the cost of learning from Kafka (in CBOR every record would repeat its field
 * names, and every feature would take 9 bytes). Each feature is written as its 8 bytes, an arm id
 * once per event. The model's other events stay in CBOR. Bound in application.conf; manifest
 * {@value #INTERACTIONS_LEARNED}.
 */
public final class BanditEventSerializer extends CompactSerializer {
  static final String INTERACTIONS_LEARNED = "InteractionsLearned.1";
  private static final int SHOWN = 0;
  private static final int DECISION_REWARDED = 1;
  private static final int DECISION_REWARD_LOGGED = 2;

  @Override
  public int identifier() {
    return 7_420_003;
  }

  @Override
  public String manifest(Object event) {
    if (event instanceof BanditModel.InteractionsLearned) return INTERACTIONS_LEARNED;
    throw new IllegalArgumentException("not a compact bandit event: " + event.getClass().getName());
  }

  @Override
  protected void write(Object event, CompactOutput out) throws IOException {
    if (!(event instanceof BanditModel.InteractionsLearned e)) {
      throw new IllegalArgumentException("not a compact bandit event: " + event.getClass().getName());
    }
    out.list(e.learned(), BanditEventSerializer::writeLearned);
    // sorted: the same event is always the same bytes
    out.list(new TreeMap<>(e.offsets()).entrySet(), (o, offset) -> {
      o.string(offset.getKey());
      o.integer(offset.getValue());
    });
    out.integer(e.atMillis());
  }

  @Override
  protected Object read(String manifest, CompactInput in) throws IOException {
    if (!manifest.equals(INTERACTIONS_LEARNED)) throw unknownManifest(manifest);
    var learned = in.list(BanditEventSerializer::readLearned);
    var partitions = in.count();
    var offsets = new LinkedHashMap<String, Long>();
    for (var i = 0; i < partitions; i++) offsets.put(in.string(), in.integer());
    return new BanditModel.InteractionsLearned(learned, offsets, in.integer());
  }

  private static void writeLearned(CompactOutput out, Learned learned) throws IOException {
    if (learned instanceof Learned.Shown shown) {
      out.count(SHOWN);
      out.string(shown.arm());
      out.count(shown.features().length);
      for (var value : shown.features()) out.decimal(value);
      out.decimal(shown.reward());
    } else if (learned instanceof Learned.DecisionRewarded rewarded) {
      out.count(DECISION_REWARDED);
      out.integer(rewarded.number());
      out.decimal(rewarded.reward());
    } else if (learned instanceof Learned.DecisionRewardLogged logged) {
      out.count(DECISION_REWARD_LOGGED);
      out.integer(logged.number());
      out.decimal(logged.reward());
      out.string(logged.reason());
    }
  }

  private static Learned readLearned(CompactInput in) throws IOException {
    var kind = in.count();
    return switch (kind) {
      case SHOWN -> {
        var arm = in.string();
        var dimension = in.count();
        // a corrupt size must not allocate much
        if (dimension > ModelChecks.MAX_DIMENSION) throw new IOException("dimension " + dimension + " out of range");
        var features = new double[dimension];
        for (var i = 0; i < features.length; i++) features[i] = in.decimal();
        yield new Learned.Shown(arm, features, in.decimal());
      }
      case DECISION_REWARDED -> new Learned.DecisionRewarded(in.integer(), in.decimal());
      case DECISION_REWARD_LOGGED -> new Learned.DecisionRewardLogged(in.integer(), in.decimal(), in.string());
      default -> throw new IOException("unknown kind of learned record " + kind);
    };
  }
}
