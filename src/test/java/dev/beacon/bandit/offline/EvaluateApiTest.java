package dev.beacon.bandit.offline;

import static dev.beacon.testing.TestData.BANDIT_TINY_LOG;
import static dev.beacon.testing.TestData.OPEN_BANDIT_BTS;
import static dev.beacon.testing.TestData.OPEN_BANDIT_RANDOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import dev.beacon.security.Scope;
import dev.beacon.testing.CommandRun;
import dev.beacon.testing.HttpCalls;
import dev.beacon.testing.KeyedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/models/evaluate} on a running server that requires keys: the answer is the
 * document {@code evaluate --json} writes for the same file, to the bit (the Open Bandit slices,
 * each policy, as a form with the item file and as a CSV body), with the hand-computed figures of
 * OfflineEvaluationTest on the tiny log; each bad input 400 with its reason, a body over
 * {@code max-evaluate-size} (256 KiB here) 413 whether it announces its length or not, an
 * evaluation past {@code max-concurrent-evaluations} 503 with Retry-After; the read scope of any
 * organisation, 401 without a key; {@code evaluate} reserved as a model id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluateApiTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final double EXACT = 1e-15;
  private static final long MAX_SIZE = 256 * 1024;
  private KeyedServer server;
  private HttpCalls http;
  private String read;
  private String allButRead;
  private String otherOrganizationRead;

  /** One part of a multipart/form-data body. */
  private record Part(String name, String filename, byte[] content) {}

  @BeforeAll
  void start() throws Exception {
    server = KeyedServer.start("evaluate-api", """
        beacon.bandit.max-evaluate-size = %d
        beacon.bandit.max-concurrent-evaluations = 2
        """.formatted(MAX_SIZE));
    http = server.http();
    read = server.key("acme", EnumSet.of(Scope.READ));
    allButRead = server.key("acme", EnumSet.complementOf(EnumSet.of(Scope.READ)));
    otherOrganizationRead = server.key("globex", EnumSet.of(Scope.READ));
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) server.close();
  }

  private HttpCalls.Answer csv(String query, String key, byte[] log) {
    return http.send("POST", "/api/models/evaluate" + query, key, "text/csv", log);
  }

  private HttpCalls.Answer form(String query, Part... parts) {
    var boundary = "beacon-" + UUID.randomUUID();
    var body = new ByteArrayOutputStream();
    for (var part : parts) {
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name() + "\"; filename=\""
          + part.filename() + "\"\r\nContent-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.writeBytes(part.content());
      body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.send("POST", "/api/models/evaluate" + query, read, "multipart/form-data; boundary=" + boundary, body.toByteArray());
  }

  private static Part part(String name, Path file) throws IOException {
    return new Part(name, file.getFileName().toString(), Files.readAllBytes(file));
  }

  private static Path itemsBeside(Path log) {
    return log.resolveSibling(log.getFileName().toString().replace(".csv", "_item_context.csv"));
  }

  /** The document {@code evaluate --log LOG --policy POLICY --json FILE} writes. */
  private static ObjectNode command(Path log, String policy, Path json, String... more) throws IOException {
    var args = new ArrayList<>(List.of("--log", log.toString(), "--policy", policy, "--json", json.toString()));
    args.addAll(List.of(more));
    var run = CommandRun.of(EvaluateCommand::run, args.toArray(String[]::new));
    assertThat(run.status()).as(run.err()).isZero();
    return (ObjectNode) Json.MAPPER.readTree(json.toFile());
  }

  private static List<String> reasons(HttpCalls.Answer answer) {
    var reasons = new ArrayList<String>();
    answer.body().get("reasons").forEach(r -> reasons.add(r.asText()));
    return reasons;
  }

  @Test
  void aFormWithTheItemFileAnswersWhatTheCommandWritesForTheOpenBanditSlices(@TempDir Path out) throws IOException {
    for (var log : List.of(OPEN_BANDIT_RANDOM, OPEN_BANDIT_BTS)) {
      for (var policy : List.of("uniform", "linucb", "logged")) {
        var answer = form("?policy=" + policy, part("items", itemsBeside(log)), part("log", log));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        // the command finds the item file beside the log and names both by their paths; the form, by their names
        var expected = command(log, policy, out.resolve(policy + ".json"));
        assertThat(expected.get("itemsFrom").asText()).isEqualTo(itemsBeside(log).toString());
        assertThat(answer.body().get("log").asText()).isEqualTo("men.csv");
        assertThat(answer.body().get("itemsFrom").asText()).isEqualTo("men_item_context.csv");
        expected.put("log", "men.csv").put("itemsFrom", "men_item_context.csv");
        // every figure to the bit, hence to 10 significant digits and more; the same document, byte for byte
        assertThat(answer.body()).as(log + " " + policy).isEqualTo(expected);
        assertThat(answer.text()).isEqualTo(Files.readString(out.resolve(policy + ".json"))
            .replace(log.toString(), "men.csv").replace(itemsBeside(log).toString(), "men_item_context.csv"));
        assertThat(answer.body().get("items").asInt()).isEqualTo(34);
      }
    }
  }

  @Test
  void aCsvBodyIsEvaluatedOverTheItemsItLogsWithTheOptionsGiven(@TempDir Path out) throws IOException {
    // without an item file beside it, the command too takes the items the log shows (31 on the bts slice)
    var alone = out.resolve("bts.csv");
    Files.copy(OPEN_BANDIT_BTS, alone);
    for (var policy : List.of("uniform", "linucb", "logged")) {
      var answer = csv("?policy=" + policy + "&seed=7&alpha=0.5&lambda=2&epsilon=0.1", read, Files.readAllBytes(alone));
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
      var expected = command(alone, policy, out.resolve(policy + ".json"), "--seed", "7", "--alpha", "0.5", "--lambda", "2",
          "--epsilon", "0.1");
      assertThat(answer.body().get("log").asText()).isEqualTo("request body");
      expected.put("log", "request body");
      assertThat(answer.body()).as(policy).isEqualTo(expected);
      assertThat(answer.body().get("items").asInt()).isEqualTo(31);
    }
  }

  @Test
  void theTinyLogGivesTheHandComputedFigures() throws IOException {
    // the figures of OfflineEvaluationTest: uniform (π = 1/3) and logged (w = 1) on 5 rounds
    var uniform = csv("?policy=uniform", read, Files.readAllBytes(BANDIT_TINY_LOG));
    assertThat(uniform.status()).as(uniform.text()).isEqualTo(200);
    var estimates = uniform.body().get("estimates");
    assertThat(estimates.get("ips").get("value").asDouble()).isCloseTo(0.55, within(EXACT));
    assertThat(estimates.get("ips").get("standardError").asDouble()).isCloseTo(Math.sqrt(113.0 / 1200), within(EXACT));
    assertThat(estimates.get("snips").get("value").asDouble()).isCloseTo(33.0 / 59, within(EXACT));
    assertThat(estimates.get("snips").get("standardError").asDouble())
        .isCloseTo(Math.sqrt(29927.0 / 20886) / (59.0 / 12), within(EXACT));
    assertThat(estimates.get("ips").get("effectiveSampleSize").asDouble()).isCloseTo(3481.0 / 845, within(1e-14));
    assertThat(uniform.body().get("meanWeight").asDouble()).isCloseTo(59.0 / 60, within(EXACT));

    var logged = csv("?policy=logged", read, Files.readAllBytes(BANDIT_TINY_LOG)).body();
    assertThat(logged.get("meanLoggedReward").asDouble()).isCloseTo(0.6, within(EXACT));
    assertThat(logged.get("estimates").get("ips").get("standardError").asDouble()).isCloseTo(Math.sqrt(0.06), within(EXACT));
    assertThat(logged.get("estimates").get("snips").get("standardError").asDouble()).isCloseTo(Math.sqrt(1.2) / 5, within(EXACT));
    assertThat(logged.get("matchedRounds").asInt()).isEqualTo(5);
  }

  @Test
  void everyBadParameterIsNamedWithItsReason() throws IOException {
    var tiny = Files.readAllBytes(BANDIT_TINY_LOG);
    var unknown = csv("?policy=greedy", read, tiny);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(reasons(unknown)).containsExactly("policy: must be one of uniform, logged or linucb, got 'greedy'");
    assertThat(reasons(csv("", read, tiny))).containsExactly("policy: required, one of uniform, logged or linucb");

    var bad = csv("?policy=linucb&alpha=-1&lambda=none&epsilon=0&seed=1.5&alhpa=2&policy=uniform", read, tiny);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("error").asText()).isEqualTo("invalid evaluation");
    assertThat(reasons(bad)).containsExactlyInAnyOrder(
        "alpha: must be a finite number ≥ 0, got -1.0",
        "lambda: must be a number, got 'none'",
        "epsilon: must be in (0, 1], got 0.0",
        "seed: must be a whole number, got '1.5'",
        "alhpa: not a parameter of this endpoint (policy, seed, alpha, lambda, epsilon)",
        "policy: given 2 times");
    assertThat(reasons(csv("?policy=linucb&lambda=0", read, tiny))).containsExactly("lambda: must be a finite number > 0, got 0.0");
  }

  @Test
  void aLogNotOfTheLayoutIs400WithItsLineAndColumn() {
    var badValue = csv("?policy=logged", read, utf8("item_id,click,propensity_score\n1,0,0.5\n2,1,often\n"));
    assertThat(badValue.status()).isEqualTo(400);
    assertThat(badValue.body().get("error").asText()).isEqualTo("invalid log");
    assertThat(reasons(badValue)).containsExactly("request body line 3: propensity_score must be a finite number, got 'often'");
    assertThat(reasons(csv("?policy=logged", read, utf8("item_id,click\n1,0\n"))))
        .containsExactly("request body line 1: no column propensity_score (the header has item_id, click)");
    assertThat(reasons(csv("?policy=logged", read, utf8("item_id,click,propensity_score\n1,0\n"))))
        .containsExactly("request body line 2: 2 fields, the header has 3");
    var notCsv = csv("?policy=logged", read, utf8("item_id,click,propensity_score\n\"1,0,0.5\n"));
    assertThat(notCsv.status()).isEqualTo(400);
    assertThat(reasons(notCsv)).containsExactly("request body line 3: not CSV (Missing closing quote for value)");
    assertThat(reasons(csv("?policy=logged", read, new byte[0]))).singleElement().asString()
        .startsWith("request body: empty, expected a header");
    var json = http.send("POST", "/api/models/evaluate?policy=logged", read, "{}");
    assertThat(json.status()).isEqualTo(415);
    assertThat(reasons(json)).singleElement().asString()
        .startsWith("Content-Type: must be text/csv (the log as the body) or multipart/form-data");
    assertThat(csv("?policy=logged", read, null).status()).as("no body at all").isEqualTo(415);
  }

  @Test
  void aFormTakesTheItemsFirstThenTheLogAndNothingElse() throws IOException {
    var tiny = part("log", BANDIT_TINY_LOG);
    var items = part("items", itemsBeside(BANDIT_TINY_LOG));
    assertThat(form("?policy=uniform", tiny).body().get("itemsFrom").asText()).isEqualTo("the items logged");
    var late = form("?policy=uniform", tiny, items);
    assertThat(late.status()).isEqualTo(400);
    assertThat(reasons(late)).containsExactly("items: must come before the log part (the log is read as it arrives)");
    assertThat(reasons(form("?policy=uniform", items))).containsExactly("log: required, a part named log holding the logged-bandit file");
    assertThat(reasons(form("?policy=uniform", new Part("notes", "notes.txt", utf8("hello")), tiny)))
        .containsExactly("notes: not a part of this form (items, optional and first, then log)");
    assertThat(reasons(form("?policy=uniform", new Part("items", "items.csv", utf8("id\n1\n")), tiny)))
        .containsExactly("items.csv line 1: no column item_id (the header has id)");
    var noBoundary = http.send("POST", "/api/models/evaluate?policy=uniform", read, "multipart/form-data", tiny.content());
    assertThat(noBoundary.status()).isEqualTo(400);
    assertThat(reasons(noBoundary)).singleElement().asString().startsWith("Content-Type: ").contains("boundary");
    var notParts = http.send("POST", "/api/models/evaluate?policy=uniform", read, "multipart/form-data; boundary=x", tiny.content());
    assertThat(notParts.status()).isEqualTo(400);
    assertThat(reasons(notParts)).singleElement().asString().startsWith("body: not multipart/form-data (");
    // an item the item file does not list
    assertThat(reasons(form("?policy=uniform", new Part("items", "items.csv", utf8("item_id\n0\n1\n")), tiny)))
        .containsExactly("tiny.csv line 4: item_id '2' is not one of the 2 items of items.csv");
  }

  @Test
  void aBodyOverTheLimitIs413WhetherItAnnouncesItsLengthOrNot() throws Exception {
    var announced = rawAnswer("Content-Length: " + (MAX_SIZE + 1) + "\r\n\r\n", new byte[0]);
    assertThat(announced).startsWith("HTTP/1.1 413 ").contains("body: more than 262144 bytes, the most an evaluation reads "
        + "(beacon.bandit.max-evaluate-size)");
    // a chunked body, its length unknown until it ends: cut where it passes the limit (the client sends no more
    // than the chunk that passes it, so that the server has read all it was sent when it closes the connection)
    var rows = new StringBuilder("item_id,click,propensity_score\n");
    while (rows.length() <= MAX_SIZE) rows.append("1,0,0.5\n");
    var chunk = utf8(rows.toString());
    var streamed = rawAnswer("Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length) + "\r\n",
        utf8(rows + "\r\n"));
    assertThat(streamed).startsWith("HTTP/1.1 413 ").contains("body: more than 262144 bytes");
    // just under the limit is evaluated
    var under = rows.substring(0, rows.lastIndexOf("\n", (int) MAX_SIZE - 1) + 1);
    assertThat(csv("?policy=logged", read, utf8(under)).status()).isEqualTo(200);
  }

  /** The answer, as text, to an evaluation request written on a plain socket: {@code head} ends the head, {@code body} follows. */
  private String rawAnswer(String head, byte[] body) throws IOException {
    try (var socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      write(socket, evaluationHead("logged", head), body);
      return readAnswer(socket);
    }
  }

  @Test
  void anEvaluationPastTheConcurrentOnesIs503WithRetryAfter() throws Exception {
    var tiny = Files.readAllBytes(BANDIT_TINY_LOG);
    var header = Files.readAllLines(BANDIT_TINY_LOG).get(0).length() + 1;
    var chunked = "Transfer-Encoding: chunked\r\n\r\n";
    // two evaluations whose bodies stop after the log's header line: they run, waiting for the rest
    try (var first = new Socket("127.0.0.1", server.port()); var second = new Socket("127.0.0.1", server.port())) {
      for (var held : List.of(first, second)) {
        held.setSoTimeout(30_000);
        write(held, evaluationHead("uniform", chunked), chunk(tiny, 0, header));
      }
      // a third, whole, is refused while they run
      Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        var third = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/models/evaluate?policy=uniform"))
            .header("Authorization", "Bearer " + read).header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofByteArray(tiny)).build();
        var answer = CLIENT.send(third, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(answer.body()).contains("evaluations: 2 are running, as many as this server runs at once; retry after 5 s");
      });
      for (var held : List.of(first, second)) {
        write(held, chunk(tiny, header, tiny.length), utf8("0\r\n\r\n"));
        var answer = readAnswer(held);
        assertThat(answer).startsWith("HTTP/1.1 200 ").contains("\"rounds\" : 5");
      }
    }
    assertThat(csv("?policy=uniform", read, tiny).status()).as("the permits are back").isEqualTo(200);
  }

  private String evaluationHead(String policy, String head) {
    return "POST /api/models/evaluate?policy=" + policy + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + read
        + "\r\nContent-Type: text/csv\r\n" + head;
  }

  private static byte[] chunk(byte[] bytes, int from, int to) {
    var chunk = new ByteArrayOutputStream();
    chunk.writeBytes(utf8(Integer.toHexString(to - from) + "\r\n"));
    chunk.write(bytes, from, to - from);
    chunk.writeBytes(utf8("\r\n"));
    return chunk.toByteArray();
  }

  private static void write(Socket socket, String head, byte[]... parts) throws IOException {
    write(socket, utf8(head), parts);
  }

  private static void write(Socket socket, byte[] first, byte[]... more) throws IOException {
    socket.getOutputStream().write(first);
    for (var part : more) socket.getOutputStream().write(part);
    socket.getOutputStream().flush();
  }

  /** The answer on {@code socket}, as text: its head, then as many bytes of body as its Content-Length says. */
  private static String readAnswer(Socket socket) throws IOException {
    var in = socket.getInputStream();
    var head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      var c = in.read();
      if (c < 0) throw new IOException("closed within the head: " + head);
      head.append((char) c);
    }
    var length = head.toString().lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
        .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Test
  void anyKeyWithTheReadScopeMayEvaluateAndNoOtherMay() throws IOException {
    var tiny = Files.readAllBytes(BANDIT_TINY_LOG);
    assertThat(csv("?policy=logged", read, tiny).status()).isEqualTo(200);
    assertThat(csv("?policy=logged", otherOrganizationRead, tiny).status()).as("it reads no organisation's data").isEqualTo(200);
    var none = csv("?policy=logged", null, tiny);
    assertThat(none.status()).isEqualTo(401);
    assertThat(reasons(none)).singleElement().asString().contains("Authorization: a key is required");
    var without = csv("?policy=logged", allButRead, tiny);
    assertThat(without.status()).isEqualTo(403);
    assertThat(reasons(without)).singleElement().asString().endsWith("has no read scope");
  }

  @Test
  void evaluateIsNoModelId() {
    var configure = http.send("PUT", "/api/models/evaluate", server.adminKey(), "{\"organizationId\": \"acme\", \"arms\": [\"a\", \"b\"]}");
    assertThat(configure.status()).isEqualTo(400);
    assertThat(reasons(configure)).containsExactly("modelId: 'evaluate' is reserved: POST /api/models/evaluate evaluates a policy "
        + "on a logged-bandit file; name the model otherwise");
    assertThat(http.send("GET", "/api/models/evaluate", server.adminKey(), null).status()).isEqualTo(400);
    assertThat(http.send("POST", "/api/models/evaluate/decide", server.adminKey(), "{\"features\": [1]}").status()).isEqualTo(400);
    // and the evaluation stays what POST /api/models/evaluate is, for the admin key too
    JsonNode evaluated = csv("?policy=logged", server.adminKey(), utf8("item_id,click,propensity_score\n1,1,0.5\n")).body();
    assertThat(evaluated.get("meanLoggedReward").asDouble()).isEqualTo(1.0);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
