package dev.beacon.tracker;

import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.ApiError;
import dev.beacon.common.HttpSettings;
import dev.beacon.common.Sql;
import dev.beacon.event.EventParser;
import dev.beacon.event.EventSettings;
import dev.beacon.identity.IdentityLinks;
import dev.beacon.ingest.HttpIntake;
import dev.beacon.security.Access;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;

/**
 * GA4's Measurement Protocol: {@code POST /mp/collect} and {@code POST /debug/mp/collect}, with
 * an {@code ingest} key as {@code api_secret}; with the admin key, {@code measurement_id} (or
 * {@code firebase_app_id}) names the organisation. Any content type is read as JSON, as GA4 does
 * ({@code navigator.sendBeacon} sends text/plain).
 *
 * <p>{@code /mp/collect} answers 204 once Kafka acknowledged every event; 400 with
 * {@code validationMessages} when something was refused (the valid events of the request are
 * accepted all the same); 413 for a body over 130 kB; 503 with Retry-After while Kafka
 * acknowledges nothing. Whatever it refuses goes to the dead-letter topic with its reasons, since
 * GA4 senders never read an answer. {@code /debug/mp/collect} writes nothing and answers 200 with
 * every message GA4's rules and Beacon's parser give, an empty list for a valid request.
 *
 * <p>A request's {@code client_id} (or {@code app_instance_id}) and {@code user_id} are linked as
 * Segment's anonymous and known ids are ({@link IdentityLinks}): the events a visitor sends before
 * signing in and those after, with their user_id, join one journey, and the same journey answers
 * for either id and is erased with the person.
 */
public final class MeasurementProtocolRoutes extends AllDirectives {
  /** The route dead letters name. */
  static final String COLLECT = "POST /mp/collect";
  private static final long READ_TIMEOUT_MILLIS = 10_000;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private final HttpIntake intake;
  private final MeasurementProtocol protocol;
  private final long maxBodyBytes;
  private final Materializer materializer;
  private final Access access;
  private final Clock clock;
  private final IdentityLinks identities;
  private final Executor blocking;

  /** {@code http}: its max-body-size bounds what is read at all (a body over 130 kB within it is dead-lettered). */
  public MeasurementProtocolRoutes(ActorSystem<?> system, HttpIntake intake, IdentityLinks identities, Executor blocking,
      EventSettings events, HttpSettings http, Access access, Clock clock) {
    this.intake = intake;
    this.identities = identities;
    this.blocking = blocking;
    this.protocol = new MeasurementProtocol(events.maxFuture());
    this.maxBodyBytes = Math.max(http.maxBodySize(), MeasurementProtocolRules.MAX_BODY_BYTES);
    this.materializer = Materializer.matFromSystem(system);
    this.access = access;
    this.clock = clock;
  }

  public Route routes() {
    return concat(
        path(PathMatchers.segment("mp").slash("collect"), () -> post(() -> access.ingest(org -> request(org, false)))),
        path(PathMatchers.segment("debug").slash("mp").slash("collect"), () -> post(() -> access.ingest(org -> request(org, true)))));
  }

  /** {@code keyOrganization}: the key's organisation, null for the admin key (then measurement_id names it). */
  private Route request(String keyOrganization, boolean debug) {
    return parameterOptional("measurement_id", measurementId -> parameterOptional("firebase_app_id", appId -> {
      var organization = keyOrganization != null ? keyOrganization
          : nonBlank(measurementId).or(() -> nonBlank(appId)).orElse(null);
      return extractRequestEntity(entity -> {
        var length = entity.getContentLengthOption();
        if (length.isPresent() && length.getAsLong() > maxBodyBytes) return unread(length.getAsLong());
        return withSizeLimit(maxBodyBytes, () -> onComplete(read(entity), body -> {
          if (body.isFailure()) return unreadable(body.failed().get());
          return debug ? validate(body.get(), organization) : collect(body.get(), organization);
        }));
      });
    }));
  }

  private Route collect(byte[] body, String organization) {
    if (body.length > MeasurementProtocolRules.MAX_BODY_BYTES) {
      var tooLarge = List.of(MeasurementProtocol.tooLarge(body.length));
      return refused(body, organization, tooLarge, StatusCodes.PAYLOAD_TOO_LARGE);
    }
    var translation = protocol.translate(body, organization, clock.instant());
    if (!translation.messages().isEmpty()) return refused(body, organization, translation.messages(), StatusCodes.BAD_REQUEST);
    var items = translation.items();
    var refusals = items.stream().map(item -> item.messages().stream().map(ValidationMessage::reason).toList()).toList();
    var written = journey(items, organization).thenCompose(journey -> {
      if (journey != null) {
        items.stream().filter(item -> item.messages().isEmpty())
            .forEach(item -> ((ObjectNode) item.json()).put(EventParser.JOURNEY_USER, journey));
      }
      return intake.acceptTracked(items.stream().map(MeasurementProtocol.Item::json).toList(), refusals, organization, COLLECT);
    });
    return answered(written, accepted -> {
      var messages = new ArrayList<ValidationMessage>();
      for (var rejected : accepted.rejected()) {
        var own = items.get(rejected.index()).messages();
        if (!own.isEmpty()) messages.addAll(own);
        else rejected.reasons().forEach(reason -> messages.add(ValidationMessage.ofParserReason(rejected.index(), reason)));
      }
      return messages.isEmpty() ? complete(StatusCodes.NO_CONTENT) : respond(StatusCodes.BAD_REQUEST, new ValidationMessage.Answer(messages));
    });
  }

  /**
   * The journey the request's events join, its ids linked (one read, and a commit when a link is
   * new); null when no event passed GA4's rules, no organisation is known, or an id is not one
   * identity_links keeps (the rows then join their ids' own journey, or the parser refuses them
   * with the reason).
   */
  private CompletionStage<String> journey(List<MeasurementProtocol.Item> items, String organization) {
    var row = items.stream().filter(item -> item.messages().isEmpty()).map(MeasurementProtocol.Item::json).findFirst();
    if (organization == null || row.isEmpty()) return CompletableFuture.completedFuture(null);
    var pseudoId = row.get().path("user_pseudo_id").asText(null);
    var userId = row.get().path("user_id").asText(null);
    if (IdentityLinks.problem(pseudoId) != null || userId != null && IdentityLinks.problem(userId) != null) {
      return CompletableFuture.completedFuture(null);
    }
    var ids = new IdentityLinks.Ids(userId, pseudoId);
    return Sql.async(blocking, () -> identities.journeyUsers(organization, List.of(ids)).get(0));
  }

  /** The request refused whole: dead-lettered, then answered with {@code status} and the messages. */
  private Route refused(byte[] body, String organization, List<ValidationMessage> messages, StatusCode status) {
    var reasons = messages.stream().map(ValidationMessage::reason).toList();
    return answered(intake.refuseTracked(body, organization, COLLECT, reasons),
        accepted -> respond(status, new ValidationMessage.Answer(messages)));
  }

  private Route answered(CompletionStage<HttpIntake.Outcome> outcome, Function<HttpIntake.Accepted, Route> inner) {
    return onAnswer(outcome, o -> {
      if (o instanceof HttpIntake.Accepted accepted) return inner.apply(accepted);
      if (o instanceof HttpIntake.Unavailable u) {
        return refuse(new ApiError.Unavailable("Kafka unavailable: events not accepted", List.of(u.reason()), RETRY_AFTER));
      }
      throw new IllegalStateException("tracked events come to Accepted or Unavailable, not " + o);
    });
  }

  /** Every message a request gets, by GA4's rules and by Beacon's parser on the rows it maps to; nothing written. */
  private Route validate(byte[] body, String organization) {
    if (body.length > MeasurementProtocolRules.MAX_BODY_BYTES) {
      return respond(StatusCodes.OK, new ValidationMessage.Answer(List.of(MeasurementProtocol.tooLarge(body.length))));
    }
    var translation = protocol.translate(body, organization, clock.instant());
    var messages = new ArrayList<>(translation.messages());
    var items = translation.items();
    // an event GA4's rules refused has no row for the parser to check
    var rows = items.stream().filter(item -> item.messages().isEmpty()).map(MeasurementProtocol.Item::json).toList();
    var parsed = intake.check(rows, organization).iterator();
    for (int i = 0; i < items.size(); i++) {
      if (!items.get(i).messages().isEmpty()) {
        messages.addAll(items.get(i).messages());
      } else {
        for (var reason : parsed.next()) messages.add(ValidationMessage.ofParserReason(i, reason));
      }
    }
    return respond(StatusCodes.OK, new ValidationMessage.Answer(messages));
  }

  /** A body over beacon.http.max-body-size is not read (so not dead-lettered either). */
  private Route unread(long bytes) {
    return respond(StatusCodes.PAYLOAD_TOO_LARGE, new ValidationMessage.Answer(List.of(MeasurementProtocol.tooLarge(bytes))));
  }

  /** The body did not arrive whole: too long as it came, or cut off. */
  private Route unreadable(Throwable failure) {
    if (failure instanceof EntityStreamSizeException) return unread(maxBodyBytes + 1);
    var message = new ValidationMessage("body", "The body could not be read to its end", ValidationMessage.Code.VALUE_INVALID);
    return respond(StatusCodes.BAD_REQUEST, new ValidationMessage.Answer(List.of(message)));
  }

  private CompletionStage<byte[]> read(HttpEntity entity) {
    return entity.toStrict(READ_TIMEOUT_MILLIS, maxBodyBytes, materializer).thenApply(strict -> strict.getData().toArray());
  }

  private static Optional<String> nonBlank(Optional<String> value) {
    return value.filter(v -> !v.isBlank());
  }
}
