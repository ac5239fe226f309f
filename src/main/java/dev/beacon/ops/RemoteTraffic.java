package dev.beacon.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.WrappedMessage;

/**
 * The messages and bytes this node sent to other nodes, by the top-level class of the message
 * ({@code Campaign}, {@code JourneyBucket}, {@code StatusReply}, Pekko's own): what a hop between
 * nodes costs, as {@code beacon_remote_messages_sent_total} and {@code beacon_remote_bytes_sent_total}.
 * {@link RemoteTrafficInstrument} counts into it from Artery's encoders; one per actor system, so
 * that two nodes in one JVM count apart.
 */
public final class RemoteTraffic implements Extension {
  public static final Id ID = new Id();
  private final Map<String, Sent> sent = new ConcurrentHashMap<>();
  /** Each message class's counts, found by name once per class rather than per message. */
  private final ClassValue<Sent> byClass = new ClassValue<>() {
    @Override
    protected Sent computeValue(Class<?> type) {
      return newCounts(nameOf(type));
    }
  };
  private MeterRegistry registry;

  private record Sent(LongAdder messages, LongAdder bytes) {}

  public static RemoteTraffic get(org.apache.pekko.actor.ActorSystem system) {
    return ID.get(system);
  }

  /** One message of {@code size} bytes (Artery's headers included) went to another node. */
  void sent(Object message, int size) {
    while (message instanceof WrappedMessage wrapped) message = wrapped.message();
    var counts = byClass.get(message.getClass());
    counts.messages().increment();
    counts.bytes().add(size);
  }

  /** Registers the counters in {@code registry}: those seen so far now, the others as their classes first go out. */
  public synchronized void bindTo(MeterRegistry registry) {
    this.registry = registry;
    sent.forEach(this::register);
  }

  private synchronized Sent newCounts(String name) {
    var existing = sent.get(name);
    if (existing != null) return existing;
    var counts = new Sent(new LongAdder(), new LongAdder());
    sent.put(name, counts);
    if (registry != null) register(name, counts);
    return counts;
  }

  private void register(String name, Sent counts) {
    FunctionCounter.builder("beacon.remote.messages.sent", counts.messages(), LongAdder::sum).tag("message", name)
        .description("messages sent to other nodes").register(registry);
    FunctionCounter.builder("beacon.remote.bytes.sent", counts.bytes(), LongAdder::sum).tag("message", name)
        .description("bytes sent to other nodes, Artery's headers included").register(registry);
  }

  /** The simple name of the message's top-level class, inside any envelope (a sharding envelope names what it carries). */
  static String messageName(Object message) {
    while (message instanceof WrappedMessage wrapped) message = wrapped.message();
    return nameOf(message.getClass());
  }

  private static String nameOf(Class<?> type) {
    var name = type.getName();
    name = name.substring(name.lastIndexOf('.') + 1);
    var nested = name.indexOf('$');
    return nested > 0 ? name.substring(0, nested) : name;
  }

  /** The extension's key: one {@link RemoteTraffic} per actor system. */
  public static final class Id extends AbstractExtensionId<RemoteTraffic> implements ExtensionIdProvider {
    private Id() {}

    @Override
    public RemoteTraffic createExtension(ExtendedActorSystem system) {
      return new RemoteTraffic();
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }
}
