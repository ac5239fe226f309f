package dev.beacon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import dev.beacon.testing.ServerProcess;
import dev.beacon.testing.TestProducer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BEACON_LOG_FORMAT} on a real process: {@code json} makes every line of the log a JSON
 * object with the time, level, logger, thread, message and node, and the ingest's lines about a
 * record carry its topic and partition; without it the lines stay plain text; any other value
 * stops the start with one line, before logging anything.
 */
class LogFormatTest {
  private static final Duration STARTS_WITHIN = Duration.ofSeconds(120);
  @TempDir Path dir;
  private final List<ServerProcess> processes = new ArrayList<>();

  @AfterEach
  void kill() {
    processes.forEach(ServerProcess::close);
  }

  private ServerProcess serve(Map<String, String> env) {
    var process = ServerProcess.start(dir.resolve("logs"), env, "serve");
    processes.add(process);
    return process;
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void jsonLinesCarryTheNodeAndTheTopicAndPartitionOfADeadLetter() throws Exception {
    var kafkaPort = freePort();
    var clusterPort = freePort();
    var process = serve(Map.of("BEACON_LOG_FORMAT", "json", "BEACON_DATA_DIR", dir.resolve("data").toString(),
        "BEACON_KAFKA_EMBEDDED_PORT", String.valueOf(kafkaPort), "BEACON_CLUSTER_PORT", String.valueOf(clusterPort)));
    Awaitility.await().atMost(STARTS_WITHIN).until(process::answers);
    TestProducer.produce("127.0.0.1:" + kafkaPort,
        List.of(new ProducerRecord<>("beacon.events", 2, "k", "not json".getBytes(StandardCharsets.UTF_8))));
    Awaitility.await().atMost(STARTS_WITHIN).until(() -> process.stdout().contains("Dead-lettering"));

    var lines = process.stdout().lines().filter(line -> !line.isBlank()).toList();
    assertThat(lines).hasSizeGreaterThan(3);
    JsonNode deadLetter = null;
    for (var line : lines) {
      var json = Json.MAPPER.readTree(line);
      assertThat(json.isObject()).as(line).isTrue();
      for (var field : List.of("@timestamp", "level", "logger_name", "thread_name", "message")) {
        assertThat(json.hasNonNull(field)).as(field + " in " + line).isTrue();
      }
      assertThat(json.path("node").asText()).as(line).isEqualTo("127.0.0.1:" + clusterPort);
      if (json.get("message").asText().startsWith("Dead-lettering")) deadLetter = json;
    }
    assertThat(deadLetter).isNotNull();
    assertThat(deadLetter.path("level").asText()).isEqualTo("WARN");
    assertThat(deadLetter.path("topic").asText()).isEqualTo("beacon.events");
    assertThat(deadLetter.path("partition").asText()).isEqualTo("2");
  }

  @Test
  void plainTextStaysTheDefault() {
    var process = serve(Map.of("BEACON_DATA_DIR", dir.resolve("data").toString()));
    Awaitility.await().atMost(STARTS_WITHIN).until(process::answers);
    assertThat(process.stdout().lines().findFirst()).hasValueSatisfying(line ->
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARN) +\\S+ - .*"));
    assertThat(process.stdout()).doesNotContain("{\"@timestamp\"");
  }

  @Test
  void anUnknownFormatStopsTheStartWithOneLine() {
    var process = serve(Map.of("BEACON_LOG_FORMAT", "xml", "BEACON_DATA_DIR", dir.resolve("data").toString()));
    assertThat(process.awaitExit(STARTS_WITHIN)).hasValue(1);
    assertThat(process.stderr()).isEqualTo("Beacon cannot start: BEACON_LOG_FORMAT is 'xml'; it must be one of text, json"
        + System.lineSeparator());
    assertThat(process.stdout()).isEmpty();
  }
}
