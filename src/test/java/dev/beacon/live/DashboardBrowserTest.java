package dev.beacon.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.BeaconServer;
import dev.beacon.common.Json;
import dev.beacon.testing.BrowserScript;
import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard page in headless Chromium (src/test/browser/dashboard.mjs) against a real Beacon
 * whose simulator feeds organisation demo: the figures and the feed move, the page fits a phone,
 * on a server that requires keys the page asks for one and keeps it, and it follows the
 * websocket's contract (against a stand-in until the server has it). Screenshots are left in
 * target/screenshots.
 */
class DashboardBrowserTest {
  private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
  private static final String ADMIN_KEY = "dashboard-test-admin-key-0123456789abcdef";

  @RegisterExtension
  static final ServersOnABroker servers = new ServersOnABroker();

  @BeforeEach
  void tools() {
    BrowserScript.requireTools();
  }

  private static BeaconServer startWithSimulator(String topic, String extra) throws IOException {
    var dataDir = Files.createTempDirectory("beacon-dashboard");
    return servers.start(TestServers.config(dataDir, servers.kafka().bootstrapServers(), TestDatabase.h2(dataDir), topic,
        "beacon.simulator.enabled = on\nbeacon.simulator.events-per-minute = 3000\n" + extra));
  }

  /** Runs a scenario of dashboard.mjs against the server; its result, once it ended without an error. */
  private static JsonNode scenario(String name, BeaconServer server, String... more) throws Exception {
    var args = new ArrayList<>(List.of(name, "http://127.0.0.1:" + server.httpPort() + "/", SCREENSHOTS.toString()));
    args.addAll(List.of(more));
    var run = BrowserScript.run("dashboard.mjs", args.toArray(String[]::new));
    assertThat(run.json()).as(run.describe()).isNotNull();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    assertThat(run.json().get("error").isNull()).as(run.describe()).isTrue();
    return run.json();
  }

  @Test
  void theDemoOpensMovesAndFitsAPhone() throws Exception {
    var r = scenario("demo", startWithSimulator("dashboard-open", ""));

    assertThat(number(r.at("/kpisAfter/impressions"))).as("impressions move").isGreaterThan(number(r.at("/kpisBefore/impressions")));
    assertThat(r.at("/kpisAfter/clicks").asText()).matches("[0-9][0-9,]*");
    assertThat(r.at("/kpisAfter/ctr").asText()).endsWith("%");
    assertThat(r.get("feedRowsBefore").asInt()).isBetween(1, 20);
    assertThat(r.get("feedRowsAfter").asInt()).isBetween(1, 20);
    assertThat(r.get("feedTopAfter").asText()).as("a newer event on top of the feed").isNotEqualTo(r.get("feedTopBefore").asText());
    assertThat(r.get("freshness").asText()).isEqualTo("fresh");
    for (var chart : new String[] {"timeseries", "channels-pie", "channels-bars"}) {
      assertThat(r.at("/charts/" + chart).asBoolean()).as("chart " + chart).isTrue();
    }

    // live over the websocket
    assertThat(r.get("connection").asText()).isEqualTo("live");
    assertThat(r.get("websocketAttempts").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(r.at("/websocketUrls/0").asText()).endsWith("/ws/dashboard");

    for (var size : new String[] {"laptop", "phone"}) {
      assertThat(r.at("/" + size + "/scrollWidth").asInt()).as(size + " page width").isLessThanOrEqualTo(r.at("/" + size + "/innerWidth").asInt());
      assertThat(r.at("/" + size + "/offenders")).as(size + ": elements wider than the screen").isEmpty();
    }
    assertThat(r.get("pageErrors")).as("uncaught errors").isEmpty();
    assertThat(r.get("consoleErrors")).isEmpty();
    assertThat(pngWidth(SCREENSHOTS.resolve("dashboard-laptop.png"))).isEqualTo(1366);
    assertThat(pngWidth(SCREENSHOTS.resolve("dashboard-phone.png"))).isEqualTo(390);
  }

  @Test
  void withKeysRequiredThePageAsksForAKeyAndKeepsIt() throws Exception {
    var server = startWithSimulator("dashboard-keys", "beacon.security.admin-key = \"" + ADMIN_KEY + "\"\n");
    var key = readKey(server.httpPort(), "demo");
    var r = scenario("key", server, key);

    assertThat(r.get("noticeWithoutKey").asText()).contains("needs a key").contains("demo");
    assertThat(r.at("/kpisWithoutKey/impressions").asText()).isEqualTo("–");
    assertThat(number(r.at("/kpisWithKey/impressions"))).isPositive();
    assertThat(r.get("noticeHiddenWithKey").asBoolean()).isTrue();
    assertThat(number(r.at("/kpisAfterReload/impressions"))).isPositive();
    assertThat(r.get("keyFieldAfterReload").asBoolean()).as("the key is remembered").isTrue();
    assertThat(r.get("pageErrors")).isEmpty();
    assertThat(r.get("consoleErrors")).isEmpty();
    assertThat(r.get("websocketUrlWithKey").asText()).endsWith("/ws/dashboard?token=" + key);
    assertThat(r.get("connectionWithKey").asText()).as("live over the websocket with the key").isEqualTo("live");
    assertThat(pngWidth(SCREENSHOTS.resolve("dashboard-key.png"))).isEqualTo(1366);
  }

  /** The websocket's contract, served by a stand-in in the browser (the page's REST calls reach the real server). */
  @Test
  void overTheWebsocketThePageRendersEachFrameAndReconnects() throws Exception {
    var r = scenario("websocket", startWithSimulator("dashboard-websocket", ""));
    var ws = r.get("websocket");

    assertThat(ws.get("subscribe")).isEqualTo(Json.MAPPER.readTree("{\"type\":\"subscribe\",\"organizationId\":\"demo\"}"));
    assertThat(ws.at("/snapshot/kpis/impressions").asText()).isEqualTo("1,000,000");
    assertThat(ws.at("/snapshot/kpis/cpa").asText()).isEqualTo("50.00");
    assertThat(ws.at("/snapshot/diff").asText()).isEqualTo("+25 %");
    assertThat(ws.at("/snapshot/feedTop").asText()).contains("snapshot_event");
    assertThat(ws.at("/dashboard/impressions").asText()).isEqualTo("2,000,000");
    // a campaign's update joins the table and the totals are summed again
    assertThat(ws.at("/campaign/kpis/spend").asText()).isEqualTo("11,000.00");
    assertThat(ws.at("/campaign/kpis/cpa").asText()).isEqualTo("36.67");
    assertThat(ws.at("/campaign/rows")).extracting(JsonNode::asText).containsExactly("alpha", "gamma", "beta");
    assertThat(ws.get("events")).extracting(JsonNode::asText).containsExactly("ws_event_2", "ws_event_1", "snapshot_event");
    assertThat(ws.at("/attribution/first").asText()).isEqualTo("10");
    assertThat(ws.at("/attribution/last").asText()).isEqualTo("15");
    assertThat(ws.at("/attribution/diff").asText()).isEqualTo("+50 %");
    assertThat(ws.at("/attribution/series").asInt()).isEqualTo(3);
    assertThat(ws.get("error").asText()).contains("bad filter", "campaignIds: unknown campaign zeta");
    assertThat(ws.get("afterClose").asText()).isIn("polling", "reconnecting");
    assertThat(ws.at("/reconnected/sockets").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(ws.at("/reconnected/subscribes").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(r.get("pageErrors")).isEmpty();
    assertThat(r.get("consoleErrors")).isEmpty();
  }

  /** A new key of the organisation with the read scope, made with the admin key. */
  private static String readKey(int port, String organization) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/admin/organizations/" + organization + "/keys"))
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\": [\"read\"]}")).build();
    var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Json.MAPPER.readTree(response.body()).get("key").asText();
  }

  private static long number(JsonNode text) {
    var digits = text.asText().replaceAll("[^0-9]", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits);
  }

  /** A PNG's width, from its header (IHDR follows the 8-byte signature and the chunk's length and type). */
  private static int pngWidth(Path png) throws IOException {
    var bytes = Files.readAllBytes(png);
    return ByteBuffer.wrap(bytes, 16, 4).getInt();
  }
}
