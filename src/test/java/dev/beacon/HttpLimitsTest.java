package dev.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP server's limits as configured (application.conf, pekko.http.server): a request line
 * longer than 4 KiB gets 414, a header value longer than 8 KiB gets 431, more than 64 headers 400,
 * and a request within them is answered as usual.
 */
class HttpLimitsTest {
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  /** The status line of the answer to a raw request. */
  private static String statusLine(int port, String request) throws Exception {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  void requestsBeyondTheConfiguredLimitsAreRefusedWithTheirStatus() throws Exception {
    var dir = Files.createTempDirectory("beacon-limits");
    var server = broker.start(TestServers.config(dir, broker.kafka().bootstrapServers(), TestDatabase.h2(dir),
        "limits-" + UUID.randomUUID(), ""));
    var port = server.httpPort();
    var ok = "GET /api/analytics/real-time HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    assertThat(statusLine(port, ok)).startsWith("HTTP/1.1 200");
    assertThat(statusLine(port, "GET /api/analytics/real-time?x=" + "a".repeat(5_000)
        + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 414");
    assertThat(statusLine(port, "GET /api/analytics/real-time HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(9_000)
        + "\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 431");
    var many = new StringBuilder("GET /api/analytics/real-time HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < 70; i++) many.append("X-H").append(i).append(": v\r\n");
    assertThat(statusLine(port, many + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 400");
  }
}
