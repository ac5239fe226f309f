package dev.beacon.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.common.Json;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestData;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/admin/import/ga4} on a server with a real broker: a gzip body imported and
 * counted, bad lines refused by number (400 when no line is good, 202 with them listed when some
 * are), a body announcing more than the limit refused with 413 before it is sent. (A body
 * without a length is cut at the limit after the rows before it are imported: NdjsonLinesTest.)
 */
class ImportHttpTest {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String GOOD = "{\"event_name\":\"page_view\",\"event_timestamp\":1606989600000000,"
      + "\"user_pseudo_id\":\"77.1\",\"event_params\":[{\"key\":\"ga_session_id\",\"value\":{\"int_value\":5}}]}";

  private record Sent(int status, com.fasterxml.jackson.databind.JsonNode body) {}

  private static Sent post(int port, String query, byte[] body, String encoding) throws Exception {
    var publisher = HttpRequest.BodyPublishers.ofByteArray(body);
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/admin/import/ga4" + query))
        .header("Content-Type", "application/x-ndjson").POST(publisher).timeout(Duration.ofSeconds(60));
    if (encoding != null) request.header("Content-Encoding", encoding);
    var response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Sent(response.statusCode(), Json.MAPPER.readTree(response.body()));
  }

  /**
   * The answer, as text, to an import request written on a plain socket: {@code rest} is the rest
   * of the head and what of the body is sent. The socket is read while it is written.
   */
  private static String answer(int port, byte[] rest) throws Exception {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      var answer = CompletableFuture.supplyAsync(() -> {
        try {
          var text = new StringBuilder();
          var reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
          for (var c = reader.read(); c >= 0 && !text.toString().contains("]}"); c = reader.read()) text.append((char) c);
          return text.toString();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try {
        socket.getOutputStream().write(utf8("POST /api/admin/import/ga4?organizationId=backfill HTTP/1.1\r\n"
            + "Host: localhost\r\nContent-Type: application/x-ndjson\r\n"));
        socket.getOutputStream().write(rest);
        socket.getOutputStream().flush();
      } catch (IOException closedEarly) {
        // the server answered before it read all: the answer is what counts
      }
      return answer.get(30, TimeUnit.SECONDS);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(com.fasterxml.jackson.databind.JsonNode array) {
    var texts = new ArrayList<String>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  @Test
  void anImportRequestStreamsItsRowsToKafkaAndAnswersWithCountsAndRefusedLines() throws Exception {
    var dir = Files.createTempDirectory("beacon-import-http");
    var topic = "import-http-" + UUID.randomUUID();
    var server = broker.start(TestServers.config(dir, broker.kafka().bootstrapServers(), TestDatabase.h2(dir), topic,
        "beacon.import.max-body-size = 3MiB\n"));
    var port = server.httpPort();

    var sample = post(port, "?organizationId=backfill", Files.readAllBytes(TestData.GA4_SAMPLE_700), "gzip");
    assertThat(sample.status()).as(sample.body().toString()).isEqualTo(202);
    assertThat(sample.body().get("rows").asLong()).isEqualTo(700);
    assertThat(sample.body().get("accepted").asLong()).isEqualTo(700);
    assertThat(sample.body().get("refused").asLong()).isZero();
    assertThat(sample.body().get("organizationId").asText()).isEqualTo("backfill");
    assertThat(sample.body().get("outOfOrder").asLong()).as("the sample is in time order").isZero();

    // the second row four days before the first, the third one hour before the second
    var unsorted = post(port, "?organizationId=unsorted", utf8(GOOD + "\n" + GOOD.replace("1606989600000000", "1606644000000000")
        + "\n" + GOOD.replace("1606989600000000", "1606640400000000") + "\n"), null);
    assertThat(unsorted.status()).as(unsorted.body().toString()).isEqualTo(202);
    assertThat(unsorted.body().get("outOfOrder").asLong()).as("rows more than 72 h before an earlier line").isEqualTo(2);
    assertThat(unsorted.body().get("note").asText()).contains("earlier than a row before them", "sort the file by event_timestamp");

    var mixed = post(port, "?organizationId=backfill", utf8(GOOD + "\n{\"event_name\":\"page_view\"}\n\nnot json\n"), null);
    assertThat(mixed.status()).as(mixed.body().toString()).isEqualTo(202);
    assertThat(mixed.body().get("accepted").asLong()).isEqualTo(1);
    assertThat(mixed.body().get("refused").asLong()).isEqualTo(2);
    var refused = mixed.body().get("refusedLines");
    assertThat(refused.get(0).get("line").asLong()).isEqualTo(2);
    assertThat(texts(refused.get(0).get("reasons"))).contains("event_timestamp: required");
    assertThat(refused.get(1).get("line").asLong()).isEqualTo(4);

    var bad = post(port, "", utf8(GOOD.replace("1606989600000000", "\"soon\"") + "\n{\"eventType\":\"click\",\"campaignId\":\"c\",\"organizationId\":\"o\"}\n"), null);
    assertThat(bad.status()).as(bad.body().toString()).isEqualTo(400);
    assertThat(texts(bad.body().get("reasons"))).containsExactly(
        "line 1: event_timestamp: must be epoch microseconds; stream_id: required (or organizationId)",
        "line 2: row: not a GA4 export row (event_name, event_timestamp, user_pseudo_id, …)");
    assertThat(post(port, "?organizationId=no%20spaces", utf8(GOOD), null).status()).isEqualTo(400);

    var announced = "Content-Length: 10000000000\r\n\r\n";
    assertThat(answer(port, utf8(announced))).startsWith("HTTP/1.1 413 ");
    // Through Kafka and the entities: every accepted row applied, on its day of 2020 or 2021.
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        server.stats().snapshot().applied() == 704 && server.stats().snapshot().inFlightBatch() == 0);
    assertThat(server.stats().snapshot().deadLettered()).isZero();
    var http = new HttpCalls(port);
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      var compare = http.get("/api/attribution/compare?organizationId=backfill&from=2020-12-03&to=2020-12-03");
      assertThat(compare.status()).as(compare.text()).isEqualTo(200);
      // the good row of the mixed request opened its session on that day, beside the sample's
      assertThat(compare.body().get("sessions")).isNotEmpty();
    });
  }
}
