package dev.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.beacon.common.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Dashboard clients for the bench: {@code count} websockets on the server's {@code /ws/dashboard},
 * spread over the organisations, each subscribed to its organisation. The reading ones take
 * every frame and record, for each feed row they receive, how long after the event's time it
 * arrived; the others ({@code idleShare} of them) read nothing after connecting, as a stuck
 * browser tab does, so that the server must bound and cut them. Their own actor system, apart
 * from the server's.
 */
final class LiveClients implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Recorder latency = new Recorder(60_000, 3);
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final List<CompletableFuture<Void>> stoppers = new ArrayList<>();

  LiveClients() {
    var config = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.provider = local
        pekko.http.client.idle-timeout = infinite
        pekko.http.client.socket-options.tcp-no-delay = on
        pekko.http.client.websocket.periodic-keep-alive-max-idle = infinite
        """).withFallback(ConfigFactory.defaultReference()).resolve();
    system = ActorSystem.create(Behaviors.empty(), "bench-clients", config);
  }

  /** Connects the clients and waits until each has its answer to the upgrade (at most {@code timeout}). */
  void connect(int port, List<String> organizations, int count, double idleShare, Duration timeout) throws Exception {
    var upgrades = new ArrayList<CompletableFuture<?>>();
    var idleEvery = idleShare <= 0 ? Integer.MAX_VALUE : (int) Math.round(1 / idleShare);
    for (int i = 0; i < count; i++) {
      var org = organizations.get(i % organizations.size());
      var idle = i % idleEvery == 0;
      var stop = new CompletableFuture<Void>();
      stoppers.add(stop);
      var subscribe = TextMessage.create("{\"type\": \"subscribe\", \"organizationId\": \"" + org + "\"}");
      var out = Source.<Message>single(subscribe).concat(Source.<Message>maybe().mapMaterializedValue(m -> {
        stop.thenRun(() -> m.complete(java.util.Optional.empty()));
        return m;
      }));
      Sink<Message, CompletionStage<Done>> in = idle
          ? Flow.<Message>create().mapAsync(1, m -> new CompletableFuture<Message>()).toMat(Sink.ignore(), Keep.right())
          : Flow.<Message>create().mapAsync(4, this::text).toMat(Sink.foreach(this::received), Keep.right());
      var flow = Flow.fromSinkAndSourceMat(in, out, Keep.left());
      var result = Http.get(system).singleWebSocketRequest(WebSocketRequest.create("ws://127.0.0.1:" + port + "/ws/dashboard"),
          flow, Materializer.matFromSystem(system));
      result.second().whenComplete((done, error) -> closed.incrementAndGet());
      upgrades.add(result.first().toCompletableFuture().thenAccept(upgrade -> {
        if (upgrade.response().status().intValue() == 101) connected.incrementAndGet();
      }));
    }
    CompletableFuture.allOf(upgrades.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletionStage<String> text(Message message) {
    if (!message.isText()) {
      message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system);
      return CompletableFuture.completedFuture("");
    }
    return message.asTextMessage().toStrict(10_000, Materializer.matFromSystem(system))
        .thenApply(strict -> strict.getStrictText());
  }

  private void received(String text) {
    if (text.isEmpty()) return;
    frames.incrementAndGet();
    if (!text.contains("\"kind\":\"events\"")) return;
    var now = System.currentTimeMillis();
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      for (var row : node.get("events")) {
        rows.incrementAndGet();
        latency.recordValue(Math.max(0, Math.min(60_000, now - Instant.parse(row.get("time").asText()).toEpochMilli())));
      }
    } catch (Exception e) {
      // a frame the bench cannot read is not a latency
    }
  }

  int connected() {
    return connected.get();
  }

  int closed() {
    return closed.get();
  }

  long frames() {
    return frames.get();
  }

  long rows() {
    return rows.get();
  }

  /** Starts the measurement over: what arrived until now is forgotten. */
  void reset() {
    latency.reset();
    frames.set(0);
    rows.set(0);
  }

  Histogram latency() {
    return latency.getIntervalHistogram();
  }

  @Override
  public void close() {
    stoppers.forEach(stop -> stop.complete(null));
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }
}
