package dev.beacon.tracker;

import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.ApiError;
import dev.beacon.common.Json;
import dev.beacon.common.JsonInput;
import dev.beacon.common.Sql;
import dev.beacon.event.EventParser;
import dev.beacon.identity.IdentityLinks;
import dev.beacon.ingest.HttpIntake;
import dev.beacon.security.Access;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * Segment's HTTP Tracking API, so that Segment's libraries (and RudderStack's, which speak the
 * same protocol) send to Beacon with only their host changed: {@code POST /v1/track},
 * {@code /v1/page}, {@code /v1/screen}, {@code /v1/identify}, {@code /v1/group},
 * {@code /v1/alias} and {@code /v1/batch} (and {@code /v1/import}, its older name), and the short
 * paths analytics.js posts to in a browser ({@code /v1/t}, {@code /p}, {@code /s}, {@code /i},
 * {@code /g}, {@code /a}, {@code /b}; its settings and CORS: {@link AnalyticsJsRoutes}). The write
 * key is an {@code ingest} key, sent as the HTTP Basic user or, from analytics.js, as the body's
 * {@code writeKey} ({@link Access#ingest(java.util.function.Supplier, java.util.function.Function)}),
 * which is never kept.
 *
 * <p>Each call is resolved to the journey it joins ({@link IdentityLinks}): an identify or an
 * alias only links ids (Beacon keeps no traits) and a group is taken and kept nowhere; track,
 * page and screen calls go on the topic as the documents they are, stamped with the resolved
 * user ({@code beaconUserId}), the organisation and the batch's {@code sentAt}, where
 * {@code dev.beacon.event.SegmentEventFormat} reads them. The time a record is accepted is its
 * {@code receivedAt}, for Segment's clock-skew correction.
 *
 * <p>Answers as Segment's: 200 {@code {"success": true}}; 400 for a body that is not JSON or is
 * over Segment's limits (32 KB a call, 500 KB a batch), which its libraries do not send again;
 * 503 with Retry-After while Kafka acknowledges no write, which they do send again (the
 * {@code messageId}s make that count once). A call refused on its own (no event name, a bad
 * value) is not lost: the rest of the batch is taken, the refused call goes to the dead-letter
 * topic with its reasons, and the answer is 400 naming them.
 */
public final class SegmentRoutes extends AllDirectives {
  /** Segment's limits: 32 KB a call, 500 KB a batch. */
  static final int MAX_CALL_BYTES = 32 * 1024;
  static final int MAX_BATCH_BYTES = 500 * 1024;
  /** The largest body read to dead-letter it whole (a Kafka record holds 1 MiB by default); larger is refused unread. */
  static final int MAX_KEPT_BYTES = 800 * 1024;
  private static final long READ_TIMEOUT_MILLIS = 10_000;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final Set<String> CALLS = Set.of("track", "page", "screen", "identify", "group", "alias");
  private static final Set<String> EVENTS = Set.of("track", "page", "screen");
  /** analytics.js posts to the call type's first letter ({@code /v1/t}), and a batch to {@code /v1/b}. */
  private static final Map<String, String> SHORT_PATHS = Map.of("t", "track", "p", "page", "s", "screen", "i", "identify",
      "g", "group", "a", "alias", "b", "batch");
  private static final String WRITE_KEY = "writeKey";
  private final HttpIntake intake;
  private final IdentityLinks identities;
  private final Access access;
  private final Executor blocking;
  private final Materializer materializer;
  private final long maxBodyBytes;
  private final JsonInput bodies;

  /**
   * {@code maxBodyBytes}: the most a body is read (beacon.http.max-body-size, at least Segment's
   * 500 KB, at most {@value #MAX_KEPT_BYTES} bytes) to dead-letter it whole when over Segment's limits.
   */
  public SegmentRoutes(HttpIntake intake, IdentityLinks identities, Access access, Executor blocking,
      Materializer materializer, long maxBodyBytes) {
    this.intake = intake;
    this.identities = identities;
    this.access = access;
    this.blocking = blocking;
    this.materializer = materializer;
    // kept whole on the dead-letter topic when over Segment's limit: within what a Kafka record holds
    this.maxBodyBytes = Math.min(Math.max(maxBodyBytes, MAX_BATCH_BYTES), MAX_KEPT_BYTES);
    this.bodies = new JsonInput(32, MAX_BATCH_BYTES, this.maxBodyBytes, true);
  }

  public Route routes() {
    return pathPrefix("v1", () -> path(PathMatchers.segment(), name -> post(() -> {
      var call = SHORT_PATHS.getOrDefault(name, name);
      var batch = call.equals("batch") || call.equals("import");
      if (!batch && !CALLS.contains(call)) return reject();
      // the body is read before the key is checked: analytics.js may send its key in it
      return withSizeLimit(maxBodyBytes, () -> extractRequestEntity(entity -> onComplete(
          entity.toStrict(READ_TIMEOUT_MILLIS, maxBodyBytes, materializer), strict -> {
            if (strict.isFailure()) {
              var failure = strict.failed().get();
              var reason = failure instanceof EntityStreamSizeException
                  ? "body: more than " + maxBodyBytes + " bytes, over Segment's " + MAX_BATCH_BYTES / 1024 + " KB a batch"
                  : "body: could not be read to its end";
              return access.ingest(Optional::empty, org -> refuse(new ApiError.BadRequest(reason, List.of(reason))));
            }
            var body = strict.get().getData().toArray();
            return access.ingest(() -> writeKey(body), org -> onAnswer(take(body, batch ? null : call, org), this::answer));
          })));
    })));
  }

  /** The body's {@code writeKey}, where analytics.js sends its key; empty when the body is no JSON object that has one. */
  private Optional<String> writeKey(byte[] body) {
    try {
      return Optional.ofNullable(bodies.read(body)).map(root -> text(root, WRITE_KEY));
    } catch (JsonInput.Unreadable e) {
      return Optional.empty();
    }
  }

  /** What a request came to, answered as Segment answers. */
  private record Answer(HttpIntake.Outcome outcome, List<Integer> positions, String refusal) {}

  /** {@code call}: the path's call type, or null for a batch. */
  private CompletionStage<Answer> take(byte[] body, String call, String org) {
    var limit = call == null ? MAX_BATCH_BYTES : MAX_CALL_BYTES;
    var route = "POST /v1/" + (call == null ? "batch" : call);
    if (body.length > limit) {
      return refusedWhole(body, org, route, "body: " + body.length + " bytes, more than Segment's "
          + limit / 1024 + " KB " + (call == null ? "a batch" : "a call"));
    }
    JsonNode root;
    try {
      root = bodies.read(body);
    } catch (JsonInput.Unreadable e) {
      return refusedWhole(body, org, route, e.reason());
    }
    if (root == null || !root.isObject()) return refusedWhole(body, org, route, "body: must be a JSON object");
    List<JsonNode> calls = new ArrayList<>();
    if (call == null) {
      var batch = root.get("batch");
      if (batch == null || !batch.isArray() || batch.isEmpty()) {
        return refusedWhole(body, org, route, "batch: must be a non-empty array");
      }
      batch.forEach(calls::add);
    } else {
      ((ObjectNode) root).put("type", call);
      calls.add(root);
    }
    var sentAt = root.get("sentAt");
    var checked = new ArrayList<Checked>(calls.size());
    for (var item : calls) checked.add(check(item, sentAt, org));
    var ids = new ArrayList<IdentityLinks.Ids>();
    var organizations = new java.util.HashSet<String>();
    for (var c : checked) {
      if (c.ids() == null) continue;
      ids.add(c.ids());
      organizations.add(org != null ? org : text(c.call(), "organizationId"));
    }
    if (organizations.size() > 1) {
      return refusedWhole(body, org, route, "batch: calls of more than one organization (send each organization's apart)");
    }
    var linkOrg = organizations.isEmpty() ? org : organizations.iterator().next();
    return Sql.async(blocking, () -> ids.isEmpty() ? List.<String>of() : identities.journeyUsers(linkOrg, ids))
        .thenCompose(journeys -> write(checked, journeys, org, route));
  }

  /** One call of a request: its reasons when refused here, else the ids it names. */
  private record Checked(JsonNode call, String type, List<String> refused, IdentityLinks.Ids ids) {}

  private static Checked check(JsonNode item, JsonNode sentAt, String org) {
    if (!item.isObject()) return new Checked(item, null, List.of("call: must be a JSON object"), null);
    var type = item.path("type").asText("");
    if (!CALLS.contains(type)) {
      return new Checked(item, null, List.of("type: must be one of track, page, screen, identify, group, alias"), null);
    }
    var object = (ObjectNode) item;
    // a key never goes on a topic
    object.remove(WRITE_KEY);
    // Segment's server sets receivedAt: the time Beacon accepts the record stands for it
    object.remove("receivedAt");
    object.remove(EventParser.JOURNEY_USER);
    if (!object.hasNonNull("sentAt") && sentAt != null && !sentAt.isNull()) object.set("sentAt", sentAt);
    var userId = text(item, "userId");
    var anonymousId = text(item, type.equals("alias") ? "previousId" : "anonymousId");
    var reasons = new ArrayList<String>();
    if (type.equals("alias")) {
      if (userId == null) reasons.add("userId: required");
      if (anonymousId == null) reasons.add("previousId: required");
    } else if (userId == null && anonymousId == null) {
      reasons.add("userId: required (or anonymousId)");
    }
    if (type.equals("group") && text(item, "groupId") == null) reasons.add("groupId: required");
    idRules(userId, "userId", reasons);
    idRules(anonymousId, type.equals("alias") ? "previousId" : "anonymousId", reasons);
    if (org == null && text(item, "organizationId") == null) {
      reasons.add("organizationId: required (the write key is no organization's)");
    }
    if (!reasons.isEmpty()) return new Checked(item, type, reasons, null);
    return new Checked(item, type, List.of(), new IdentityLinks.Ids(userId, anonymousId));
  }

  private CompletionStage<Answer> write(List<Checked> checked, List<String> journeys, String org, String route) {
    var items = new ArrayList<JsonNode>();
    var refused = new ArrayList<List<String>>();
    var positions = new ArrayList<Integer>();
    var next = 0;
    for (var i = 0; i < checked.size(); i++) {
      var c = checked.get(i);
      if (c.refused().isEmpty()) {
        var journey = journeys.get(next++);
        if (!EVENTS.contains(c.type())) continue;
        ((ObjectNode) c.call()).put(EventParser.JOURNEY_USER, journey);
      }
      items.add(c.call());
      refused.add(c.refused());
      positions.add(i);
    }
    if (items.isEmpty()) return CompletableFuture.completedFuture(new Answer(null, positions, null));
    return intake.acceptTracked(items, refused, org, route).thenApply(outcome -> new Answer(outcome, positions, null));
  }

  /** The whole body refused (not JSON, over a limit): dead-lettered as it came (less its writeKey), answered 400. */
  private CompletionStage<Answer> refusedWhole(byte[] body, String org, String route, String reason) {
    return intake.refuseTracked(withoutWriteKey(body), org, route, List.of(reason))
        .thenApply(outcome -> new Answer(outcome, List.of(), reason));
  }

  /** {@code body} without the writeKey analytics.js puts in it: a key never goes on a topic. */
  private byte[] withoutWriteKey(byte[] body) {
    try {
      if (bodies.read(body) instanceof ObjectNode root && root.remove(WRITE_KEY) != null) return Json.MAPPER.writeValueAsBytes(root);
      return body;
    } catch (JsonInput.Unreadable | JsonProcessingException e) {
      return body; // not JSON, so no writeKey field either
    }
  }

  private Route answer(Answer answer) {
    var outcome = answer.outcome();
    // Kafka away: sent again later, even what is to be refused (its dead letter is not written yet)
    if (outcome instanceof HttpIntake.Unavailable u) {
      return refuse(new ApiError.Unavailable("Kafka unavailable: events not accepted", List.of(u.reason()), RETRY_AFTER));
    }
    if (answer.refusal() != null) {
      return refuse(new ApiError.BadRequest(answer.refusal(), List.of(answer.refusal())));
    }
    if (outcome == null) return respond(StatusCodes.OK, Map.of("success", true));
    var accepted = (HttpIntake.Accepted) outcome;
    if (accepted.rejected().isEmpty()) return respond(StatusCodes.OK, Map.of("success", true));
    var reasons = new ArrayList<String>();
    for (var r : accepted.rejected()) {
      var position = answer.positions().get(r.index());
      for (var reason : r.reasons()) reasons.add("batch[" + position + "]." + reason);
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("success", false);
    body.put("message", accepted.rejected().size() + " call(s) refused and dead-lettered; the others were accepted");
    body.put("reasons", reasons);
    return respond(StatusCodes.BAD_REQUEST, body);
  }

  /** An id that links journeys is kept in identity_links, which takes ids as the event parser does. */
  private static void idRules(String id, String field, List<String> reasons) {
    var problem = id == null ? null : IdentityLinks.problem(id);
    if (problem != null) reasons.add(field + ": " + problem);
  }

  private static String text(JsonNode node, String field) {
    var value = node.get(field);
    if (value == null || value.isNull() || !(value.isTextual() || value.isNumber())) return null;
    var text = value.asText();
    return text.isBlank() ? null : text;
  }
}
