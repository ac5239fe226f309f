package dev.beacon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to a Beacon under test, answers read as JSON. */
public final class HttpCalls {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  public HttpCalls(int port) {
    this.port = port;
  }

  public record Answer(int status, JsonNode body, String text) {}

  public Answer get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Answer post(String path, String contentType, byte[] body) {
    var builder = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) builder.header("Content-Type", contentType);
    return send(builder);
  }

  public Answer postJson(String path, String json) {
    return post(path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A JSON request ({@code json} null: no body) with {@code key} as its Bearer key (null: none). */
  public Answer send(String method, String path, String key, String json) {
    return send(method, path, key, "application/json", json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A request with {@code body} of {@code contentType} (null: no body) and {@code key} as its Bearer key (null: none). */
  public Answer send(String method, String path, String key, String contentType, byte[] body) {
    var publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
    var builder = HttpRequest.newBuilder(uri(path)).method(method, publisher);
    if (body != null) builder.header("Content-Type", contentType);
    if (key != null) builder.header("Authorization", "Bearer " + key);
    return send(builder);
  }

  /** A JSON request with {@code writeKey} as its HTTP Basic user and no password, as Segment's libraries send it. */
  public Answer sendBasic(String method, String path, String writeKey, String json) {
    var builder = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofString(json))
        .header("Content-Type", "application/json")
        .header("Authorization", "Basic " + java.util.Base64.getEncoder()
            .encodeToString((writeKey + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return send(builder);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private Answer send(HttpRequest.Builder builder) {
    try {
      var response = CLIENT.send(builder.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = null;
      try {
        body = Json.MAPPER.readTree(response.body());
      } catch (IOException e) {
        // not JSON: the text stays available
      }
      return new Answer(response.statusCode(), body, response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
