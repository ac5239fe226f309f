package dev.beacon.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Dashboard clients for the bench: {@code count} websockets on the server's {@code /ws/dashboard}
 * (the JDK's client, one selector for all), spread over the organisations, each subscribed to its
 * organisation. The reading ones take every frame and record, for each feed row, how long after
 * the event's time it arrived, reading only the row times out of the frame (a client this cheap
 * leaves the cores to the server); the others ({@code idleShare} of them) take nothing after the
 * first frame, as a stuck browser tab, so that the server must bound and cut them.
 */
final class LiveClients implements AutoCloseable {
  private static final String EVENTS = "\"events\":[";
  private static final String TIME = "\"time\":\"";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
      .executor(Executors.newFixedThreadPool(2, runnable -> {
        var thread = new Thread(runnable, "live-clients");
        thread.setDaemon(true);
        return thread;
      })).build();
  private final Recorder latency = new Recorder(60_000, 3);
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private static final int HANDSHAKES = 200;
  private final List<WebSocket> sockets = new ArrayList<>();

  private final AtomicInteger failed = new AtomicInteger();
  private volatile String firstFailure;

  /**
   * Connects the clients, at most {@code HANDSHAKES} handshakes at a time (a server's accept queue
   * is short: thousands of connects at once lose their SYNs and wait out TCP's backoff), and
   * waits until each has its answer to the upgrade or failed (each at most {@code timeout}).
   */
  void connect(int port, List<String> organizations, int count, double idleShare, Duration timeout) throws Exception {
    var idleEvery = idleShare <= 0 ? Integer.MAX_VALUE : (int) Math.round(1 / idleShare);
    var uri = URI.create("ws://127.0.0.1:" + port + "/ws/dashboard");
    var handshakes = new Semaphore(HANDSHAKES);
    var done = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      var org = organizations.get(i % organizations.size());
      var listener = new Client(i % idleEvery != 0);
      handshakes.acquire();
      http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, listener)
          .thenCompose(socket -> {
            synchronized (sockets) {
              sockets.add(socket);
            }
            connected.incrementAndGet();
            return socket.sendText("{\"type\": \"subscribe\", \"organizationId\": \"" + org + "\"}", true);
          })
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((socket, error) -> {
            if (error != null && failed.getAndIncrement() == 0) firstFailure = error.toString();
            handshakes.release();
            done.countDown();
          });
    }
    done.await();
  }

  int failed() {
    return failed.get();
  }

  String firstFailure() {
    return firstFailure;
  }

  /** One client: whole frames gathered from their parts; a reading one asks for the next frame after each. */
  private final class Client implements WebSocket.Listener {
    private final boolean reads;
    private StringBuilder partial;

    Client(boolean reads) {
      this.reads = reads;
    }

    @Override
    public void onOpen(WebSocket socket) {
      socket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      if (!last) {
        if (partial == null) partial = new StringBuilder();
        partial.append(data);
      } else {
        var text = partial == null ? data : partial.append(data);
        partial = null;
        received(text, System.currentTimeMillis());
      }
      if (reads) socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      closed.incrementAndGet();
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.incrementAndGet();
    }
  }

  private void received(CharSequence frame, long now) {
    frames.incrementAndGet();
    var text = frame.toString();
    if (!text.contains(EVENTS)) return;
    for (int at = text.indexOf(TIME); at >= 0; at = text.indexOf(TIME, at + 1)) {
      var start = at + TIME.length();
      var end = text.indexOf('"', start);
      if (end < 0) break;
      rows.incrementAndGet();
      var eventTime = Instant.parse(text.substring(start, end)).toEpochMilli();
      latency.recordValue(Math.max(0, Math.min(60_000, now - eventTime)));
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
    synchronized (sockets) {
      for (var socket : sockets) socket.abort();
    }
  }
}
