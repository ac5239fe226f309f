package dev.beacon.live;

import static dev.beacon.common.HttpJson.ok;
import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.ApiError;
import dev.beacon.common.HttpJson;
import dev.beacon.common.Json;
import dev.beacon.common.JsonInput;
import dev.beacon.security.Access;
import dev.beacon.security.Caller;
import dev.beacon.security.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The live dashboards over HTTP, in the old real-time API's shapes:
 * {@code POST /api/analytics/real-time/subscribe {organizationId, campaignIds}} → 201
 * {@code {subscription: {id, organizationId, campaignIds, createdAt}}};
 * {@code DELETE /api/analytics/real-time/subscribe?subscriptionId=};
 * {@code GET /api/analytics/real-time/updates?subscriptionId=[&format=sse]} (Server-Sent Events
 * with {@code id}, {@code event}, {@code data}, resuming from {@code Last-Event-ID}; without
 * {@code format=sse} the queued updates as JSON); {@code GET /ws/dashboard} (a websocket taking
 * subscribe, filter and unsubscribe messages; browsers from the server's own origin or an allowed
 * one); {@code GET /api/analytics/real-time/subscriptions/stats}. Each takes a {@code read} key
 * of the organisation (the stats, spanning organisations, the admin key).
 */
final class LiveRoutes extends AllDirectives {
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final int MAX_CAMPAIGNS = 1000;
  private static final JsonInput BODIES = new JsonInput(8, MAX_BODY_BYTES, MAX_BODY_BYTES, false);
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  private final ActorSystem<?> system;
  private final LiveSettings settings;
  private final SubscriptionRegistry subscriptions;
  private final LiveStats stats;
  private final Access access;
  private final Pattern organizationIdPattern;
  private final Clock clock;
  private final Materializer materializer;
  private final Hubs hubs;

  /** The organisations' hubs, as the feed endpoint asks them. */
  interface Hubs {
    CompletionStage<LiveHub.Feed> feed(String organizationId, int limit);
  }

  LiveRoutes(ActorSystem<?> system, LiveSettings settings, SubscriptionRegistry subscriptions, LiveStats stats,
      Access access, Pattern organizationIdPattern, Hubs hubs, Clock clock) {
    this.system = system;
    this.settings = settings;
    this.subscriptions = subscriptions;
    this.stats = stats;
    this.access = access;
    this.organizationIdPattern = organizationIdPattern;
    this.clock = clock;
    this.materializer = Materializer.matFromSystem(system);
    this.hubs = hubs;
  }

  record SubscriptionBody(String id, String organizationId, List<String> campaignIds, Instant createdAt) {}

  record Subscribed(SubscriptionBody subscription) {}

  record Removed(String subscriptionId, boolean removed) {}

  public Route routes() {
    return concat(
        path(PathMatchers.segment("ws").slash("dashboard"), () -> get(this::websocket)),
        path(PathMatchers.segment("api").slash("analytics").slash("events").slash("live"), () -> get(this::feed)),
        pathPrefix("api", () -> pathPrefix(PathMatchers.segment("analytics").slash("real-time"), () -> concat(
            path("subscribe", () -> concat(
                post(this::subscribe),
                delete(() -> withSubscription((id, entry) -> {
                  entry.ref().tell(new Subscription.Stop());
                  subscriptions.remove(id);
                  return ok(new Removed(id, true));
                })))),
            path("updates", () -> get(() -> withSubscription(this::updates))),
            path(PathMatchers.segment("subscriptions").slash("stats"),
                () -> get(() -> access.allowEveryOrganization(Scope.READ, () -> ok(stats.stats()))))))));
  }

  /** {@code GET /api/analytics/events/live}: the body the old API gave. */
  record LiveFeed(String organizationId, List<FeedRow> events) {}

  /** organizationId (required) and limit (1 to 1,000, default 20); an organisation Beacon holds nothing of is 404. */
  private Route feed() {
    return parameterOptional("organizationId", org -> parameterOptional("limit", limitText -> {
      var reasons = new ArrayList<String>();
      if (org.isEmpty() || org.get().isBlank()) reasons.add("organizationId: required");
      int limit = 20;
      try {
        limit = limitText.map(String::trim).map(Integer::parseInt).orElse(20);
        if (limit < 1 || limit > 1000) reasons.add("limit: must be between 1 and 1000");
      } catch (NumberFormatException e) {
        reasons.add("limit: must be a whole number");
      }
      if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("bad parameters", reasons));
      var rows = limit;
      return access.allow(Scope.READ, org.get(), () -> onAnswer(hubs.feed(org.get(), rows), feed -> feed.known()
          ? ok(new LiveFeed(org.get(), feed.rows()))
          : refuse(new ApiError.NotFound("unknown organization " + org.get()))));
    }));
  }

  private Route subscribe() {
    return HttpJson.jsonBody(BODIES, MAX_BODY_BYTES, body -> {
      var reasons = new ArrayList<String>();
      var org = organization(body, reasons);
      var campaigns = campaignIds(body, reasons);
      if (!reasons.isEmpty()) return refuse(new ApiError.BadRequest("invalid subscription", reasons));
      return access.allow(Scope.READ, org, () -> {
        var made = subscriptions.make(org, campaigns, false);
        var ids = campaigns == null ? null : campaigns.stream().sorted().toList();
        return respond(StatusCodes.CREATED, new Subscribed(new SubscriptionBody(made.id(), org, ids,
            Instant.ofEpochMilli(clock.millis()))));
      });
    });
  }

  private interface WithSubscription {
    Route apply(String id, SubscriptionRegistry.Entry entry);
  }

  /** The subscription named by {@code subscriptionId}, with the read scope of its organisation. */
  private Route withSubscription(WithSubscription inner) {
    return parameterOptional("subscriptionId", id -> {
      if (id.isEmpty() || id.get().isBlank()) {
        return refuse(new ApiError.BadRequest("bad parameters", List.of("subscriptionId: required")));
      }
      var entry = subscriptions.find(id.get());
      if (entry == null) return refuse(new ApiError.NotFound("no subscription " + id.get() + " on this server"));
      return access.allow(Scope.READ, entry.organizationId(), () -> inner.apply(id.get(), entry));
    });
  }

  private Route updates(String id, SubscriptionRegistry.Entry entry) {
    return parameterOptional("format", format -> {
      if (format.isPresent() && format.get().equals("sse")) {
        return optionalHeaderValueByName("Last-Event-ID", last -> {
          Long lastEventId;
          try {
            lastEventId = last.map(String::trim).filter(s -> !s.isEmpty()).map(Long::valueOf).orElse(null);
          } catch (NumberFormatException e) {
            return refuse(new ApiError.BadRequest("bad header", List.of("Last-Event-ID: must be an update id")));
          }
          CompletionStage<Subscription.Attached> attached = AskPattern.ask(entry.ref(),
              replyTo -> new Subscription.Attach(lastEventId, replyTo), ASK_TIMEOUT, system.scheduler());
          return onAnswer(attached, a -> completeOK(stream(entry.ref()).map(LiveRoutes::event),
              EventStreamMarshalling.toEventStream()));
        });
      }
      if (format.isPresent() && !format.get().equals("json")) {
        return refuse(new ApiError.BadRequest("bad parameters", List.of("format: sse, or none for JSON")));
      }
      CompletionStage<Subscription.Batch> polled = AskPattern.ask(entry.ref(), Subscription.Poll::new, ASK_TIMEOUT,
          system.scheduler());
      return onAnswer(polled, batch -> {
        JsonNode quotedId = Json.MAPPER.valueToTree(id);
        var json = new StringBuilder("{\"subscriptionId\":").append(quotedId.toString()).append(",\"updates\":[");
        for (int i = 0; i < batch.items().size(); i++) json.append(i == 0 ? "" : ",").append(batch.items().get(i).json());
        return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
            json.append("]}").toString())));
      });
    });
  }

  private static ServerSentEvent event(Subscription.Outgoing item) {
    return item.id() == null ? ServerSentEvent.create(item.json(), item.event())
        : ServerSentEvent.create(item.json(), item.event(), Long.toString(item.id()));
  }

  /**
   * What a subscription sends a stream, as fast as the stream takes it: each pull asks for the
   * next updates (answered with some, or a heartbeat). The subscription can cut the stream (a
   * client that takes nothing), and hears when it ends.
   */
  private Source<Subscription.Outgoing, NotUsed> stream(ActorRef<Subscription.Command> subscription) {
    var timeout = settings.heartbeat().plusSeconds(10);
    return Source.repeat(NotUsed.getInstance())
        .mapAsync(1, x -> AskPattern.<Subscription.Command, Subscription.Batch>ask(subscription, Subscription.Next::new,
            timeout, system.scheduler()))
        .takeWhile(batch -> !batch.closed())
        .mapConcat(Subscription.Batch::items)
        .viaMat(KillSwitches.single(), Keep.right())
        .watchTermination((killSwitch, done) -> {
          subscription.tell(new Subscription.Switch(killSwitch));
          done.whenComplete((d, error) -> subscription.tell(new Subscription.Detached(killSwitch)));
          return NotUsed.getInstance();
        });
  }

  private Route websocket() {
    return extractRequest(request -> {
      var origin = request.getHeader("Origin").map(h -> h.value());
      if (origin.isPresent() && !allowedOrigin(request, origin.get())) {
        return refuse(new ApiError.Forbidden("Origin: " + origin.get() + " may not open the dashboard websocket "
            + "(the server's own origin and beacon.live.allowed-origins may)"));
      }
      return access.withScope(Scope.READ, caller -> handleWebSocketMessages(socket(caller)));
    });
  }

  /** The origin is allowed, or it is this server as the browser reached it (its host and port, by either scheme). */
  private boolean allowedOrigin(HttpRequest request, String origin) {
    if (settings.allowedOrigins().contains(origin)) return true;
    var host = request.getHeader("Host").map(h -> h.value());
    return host.isPresent() && (origin.equalsIgnoreCase("http://" + host.get()) || origin.equalsIgnoreCase("https://" + host.get()));
  }

  /** A websocket's flow: its messages steer a subscription bound to the connection, whose updates it sends. */
  private Flow<Message, Message, NotUsed> socket(Caller caller) {
    var subscription = subscriptions.make(null, null, true).ref();
    Sink<Message, NotUsed> in = Flow.<Message>create()
        .mapAsync(1, message -> text(message))
        .to(Sink.foreach(text -> text.ifPresent(t -> onClientMessage(t, caller, subscription))));
    Source<Message, NotUsed> out = stream(subscription).map(item -> TextMessage.create(item.json()));
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  private CompletionStage<Optional<String>> text(Message message) {
    if (message.isText()) {
      return message.asTextMessage().toStrict(5_000, materializer).thenApply(strict -> Optional.of(strict.getStrictText()));
    }
    message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
    return CompletableFuture.completedFuture(Optional.empty());
  }

  private void onClientMessage(String text, Caller caller, ActorRef<Subscription.Command> subscription) {
    JsonNode body;
    try {
      body = BODIES.read(text);
    } catch (JsonInput.Unreadable e) {
      subscription.tell(error("bad request", List.of(e.reason())));
      return;
    }
    var type = body != null && body.isObject() && body.hasNonNull("type") ? body.get("type").asText() : "";
    var reasons = new ArrayList<String>();
    switch (type) {
      case "subscribe" -> {
        var org = organization(body, reasons);
        var campaigns = campaignIds(body, reasons);
        if (!reasons.isEmpty()) {
          subscription.tell(error("invalid subscription", reasons));
        } else if (!caller.may(Scope.READ, org)) {
          subscription.tell(error("forbidden", List.of(caller.refusal(Scope.READ, org))));
        } else {
          subscription.tell(new Subscription.Subscribe(org, campaigns));
        }
      }
      case "filter" -> {
        var campaigns = campaignIds(body, reasons);
        subscription.tell(reasons.isEmpty() ? new Subscription.Filter(campaigns) : error("invalid filter", reasons));
      }
      case "unsubscribe" -> subscription.tell(new Subscription.Unsubscribe());
      default -> subscription.tell(error("bad request", List.of("type: subscribe, filter or unsubscribe")));
    }
  }

  private static Subscription.Fail error(String error, List<String> reasons) {
    var node = Json.MAPPER.createObjectNode();
    node.put("type", "error");
    node.put("error", error);
    var list = node.putArray("reasons");
    reasons.forEach(list::add);
    return new Subscription.Fail(node.toString());
  }

  private String organization(JsonNode body, List<String> reasons) {
    var org = body != null && body.isObject() && body.hasNonNull("organizationId") ? body.get("organizationId") : null;
    if (org == null || !org.isTextual() || org.asText().isBlank()) {
      reasons.add("organizationId: required");
      return null;
    }
    if (!organizationIdPattern.matcher(org.asText()).matches()) {
      reasons.add("organizationId: must match " + organizationIdPattern.pattern());
    }
    return org.asText();
  }

  /** {@code campaignIds}: absent or null for every campaign, else an array of campaign ids. */
  private static Set<String> campaignIds(JsonNode body, List<String> reasons) {
    var given = body != null && body.isObject() ? body.get("campaignIds") : null;
    if (given == null || given.isNull()) return null;
    if (!given.isArray() || given.size() > MAX_CAMPAIGNS) {
      reasons.add("campaignIds: an array of at most " + MAX_CAMPAIGNS + " campaign ids");
      return null;
    }
    var ids = new LinkedHashSet<String>();
    for (int i = 0; i < given.size(); i++) {
      var id = given.get(i);
      if (!id.isTextual() || id.asText().isBlank()) {
        reasons.add("campaignIds[" + i + "]: must be a campaign id");
      } else {
        ids.add(id.asText());
      }
    }
    return ids;
  }
}
