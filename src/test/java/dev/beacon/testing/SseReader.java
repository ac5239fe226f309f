package dev.beacon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events client that reads a stream on its own thread into {@link #events}, until
 * it is closed or the server ends the stream ({@link #ended()}).
 */
public final class SseReader implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One event as read off the wire. */
  public record Sse(String id, String event, JsonNode data) {}

  public final List<Sse> events = new CopyOnWriteArrayList<>();
  public final HttpResponse<InputStream> response;
  private final Thread thread;

  /** Opens {@code url}, resuming after {@code lastEventId} when it is not null. */
  public SseReader(String url, String lastEventId) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    if (lastEventId != null) request.header("Last-Event-ID", lastEventId);
    response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    thread = new Thread(this::read, "sse-reader");
    thread.setDaemon(true);
    thread.start();
  }

  private void read() {
    try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null, event = null;
      var data = new StringBuilder();
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (data.length() > 0) events.add(new Sse(id, event, Json.MAPPER.readTree(data.toString())));
          id = null;
          event = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } catch (Exception e) {
      // closed by the test, or the connection broke
    }
  }

  /** True once the stream has ended: closed here, ended by the server, or its connection broken. */
  public boolean ended() {
    return !thread.isAlive();
  }

  @Override
  public void close() throws Exception {
    response.body().close();
  }
}
