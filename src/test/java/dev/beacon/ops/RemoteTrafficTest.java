package dev.beacon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.beacon.common.CborSerializable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two actor systems in this JVM, remote to each other over Artery with application.conf's
 * instruments: a question and its answer go between them, and each side's counters show exactly
 * its message by name, with its size on the wire; a registry bound after the fact gets the counts
 * so far.
 */
class RemoteTrafficTest {
  private static ActorSystem asking;
  private static ActorSystem answering;

  record Ping(String text) implements CborSerializable {}

  static final class Echo extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder().match(Ping.class, ping -> getSender().tell(ping, getSelf())).build();
    }
  }

  private static ActorSystem system(String name) {
    var application = ConfigFactory.parseResources("application.conf");
    return ActorSystem.create(name, ConfigFactory.parseString("""
            pekko.loglevel = WARNING
            pekko.actor.provider = remote
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            """)
        .withFallback(application.withOnlyPath("pekko.remote.artery.advanced.instruments"))
        .withFallback(application.withOnlyPath("pekko.actor.serializers"))
        .withFallback(application.withOnlyPath("pekko.actor.serialization-bindings"))
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @BeforeAll
  static void start() {
    asking = system("asking");
    answering = system("answering");
  }

  @AfterAll
  static void stop() throws Exception {
    for (var system : new ActorSystem[] {asking, answering}) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void eachSideCountsTheMessageItSentWithItsSizeOnTheWire() throws Exception {
    var asked = new SimpleMeterRegistry();
    RemoteTraffic.get(asking).bindTo(asked);
    answering.actorOf(Props.create(Echo.class, Echo::new), "echo");
    var address = answering.provider().getDefaultAddress();
    var echo = asking.actorSelection(address + "/user/echo");
    var text = "x".repeat(1_000);

    var answer = Patterns.ask(echo, new Ping(text), Duration.ofSeconds(10)).toCompletableFuture().get();

    assertThat(answer).isEqualTo(new Ping(text));
    assertThat(asked.get("beacon.remote.messages.sent").tag("message", "RemoteTrafficTest").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(asked.get("beacon.remote.bytes.sent").tag("message", "RemoteTrafficTest").functionCounter().count())
        .isGreaterThan(text.length());
    // the answer was counted as it went out, before any registry was bound to the answering side
    var answered = new SimpleMeterRegistry();
    RemoteTraffic.get(answering).bindTo(answered);
    assertThat(answered.get("beacon.remote.messages.sent").tag("message", "RemoteTrafficTest").functionCounter().count())
        .isEqualTo(1.0);
  }

  @Test
  void aMessageIsNamedByItsTopLevelClassInsideItsEnvelopes() {
    assertThat(RemoteTraffic.messageName(new ShardingEnvelope<>("user-1", new Ping("hi")))).isEqualTo("RemoteTrafficTest");
    assertThat(RemoteTraffic.messageName("text")).isEqualTo("String");
  }
}
