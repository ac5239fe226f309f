package dev.beacon.backfill;

import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;
import static dev.beacon.common.HttpJson.respond;

import dev.beacon.common.ApiError;
import dev.beacon.common.StartupFailure;
import dev.beacon.event.EventSettings;
import dev.beacon.ingest.EventProducer;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/admin/import/ga4[?organizationId=ORG]}: GA4 export rows as NDJSON (gzip
 * accepted, as {@code Content-Encoding: gzip} or a gzip body) imported like the {@code import}
 * command does ({@link Ga4Import}). The body is streamed, a buffer at a time, from the connection
 * to Kafka, never held whole; the answer comes once Kafka acknowledged every row written: 202 with
 * the counts and the refused lines, 400 when no row could be imported, 413 beyond
 * {@code beacon.import.max-body-size}, 503 when Kafka stops acknowledging. It takes the
 * {@code admin} scope: an organisation's admin key imports into its organisation. Rows written before a
 * 413 or 503 stay written; sending the body again counts each once.
 */
public final class ImportRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ImportRoutes.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final List<String> MEDIA_TYPES = List.of("application/x-ndjson", "application/jsonl",
      "application/json", "text/plain", "application/gzip", "application/octet-stream");
  private final EventSettings events;
  private final ImportSettings settings;
  private final EventProducer producer;
  private final String topic;
  private final Clock clock;
  private final Materializer materializer;
  private final Executor blocking;
  private final Access access;

  public ImportRoutes(ActorSystem<?> system, EventSettings events, ImportSettings settings, EventProducer producer,
      String topic, Access access, Clock clock) {
    this.events = events;
    this.settings = settings;
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
    this.access = access;
    this.materializer = Materializer.matFromSystem(system);
    // reading the body and waiting for Kafka block a thread: not one of the actors'
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** What an import answers: the rows (non-blank lines) read, accepted (written to Kafka) and refused. */
  public record ImportReport(String organizationId, long rows, long accepted, long refused, List<RefusedLine> refusedLines,
      long outOfOrder, String note) {}

  /** One refused line: its number in the body (from 1) and why. */
  public record RefusedLine(long line, List<String> reasons) {}

  public Route routes() {
    return pathPrefix("api", () -> path(PathMatchers.segment("admin").slash("import").slash("ga4"),
        () -> post(() -> parameterOptional("organizationId", given -> access.caller(caller -> {
          // an organisation's key imports into its organisation; the admin key into the one named, or the rows' own
          var org = given.or(() -> Optional.ofNullable(caller.organizationId()));
          Supplier<Route> inner = () -> optionalHeaderValueByName("Content-Encoding", encoding -> importGa4(org, encoding));
          return org.isPresent() ? access.allow(Scope.ADMIN, org.get(), inner) : access.allowEveryOrganization(Scope.ADMIN, inner);
        })))));
  }

  private Route importGa4(Optional<String> org, Optional<String> encoding) {
    if (org.isPresent()) {
      var problem = Ga4Import.checkOrganization(org.get(), events);
      if (problem != null) return refuse(new ApiError.BadRequest("bad parameters", List.of("organizationId: " + problem)));
    }
    var coding = encoding.map(e -> e.trim().toLowerCase(Locale.ROOT)).orElse("identity");
    if (!List.of("identity", "gzip", "x-gzip").contains(coding)) {
      return refuse(new ApiError.UnsupportedMediaType("Content-Encoding: gzip or none, got " + coding));
    }
    // A large import takes longer than the server's request timeout; it is bounded instead by the
    // read timeout between two parts of the body and by Kafka's delivery timeout.
    return withoutRequestTimeout(() -> withSizeLimit(settings.maxBodySize(), () -> extractRequestEntity(entity -> {
      var mediaType = entity.getContentType().mediaType();
      if (!readable(mediaType)) {
        return refuse(new ApiError.UnsupportedMediaType("Content-Type: must be application/x-ndjson (one JSON row a line), got "
            + mediaType));
      }
      var length = entity.getContentLengthOption();
      if (length.isPresent() && length.getAsLong() > settings.maxBodySize()) {
        return refuse(new ApiError.TooLarge("body: " + length.getAsLong() + " bytes, at most " + settings.maxBodySize()));
      }
      var body = read(entity);
      var organizationId = org.orElse(null);
      return onAnswer(CompletableFuture.supplyAsync(() -> run(body, organizationId), blocking),
          report -> respond(StatusCodes.ACCEPTED, report));
    })));
  }

  private static boolean readable(MediaType mediaType) {
    var name = mediaType.toString().toLowerCase(Locale.ROOT);
    return MEDIA_TYPES.contains(name) || name.endsWith("+json");
  }

  /** The body as a stream that the import reads at its own pace: the connection is read no faster. */
  private InputStream read(HttpEntity entity) {
    return entity.getDataBytes().runWith(StreamConverters.asInputStream(READ_TIMEOUT), materializer);
  }

  private ImportReport run(InputStream body, String organizationId) {
    var listed = new ArrayList<RefusedLine>();
    var run = new Ga4Import(events, producer, topic, organizationId, settings.maxInFlight(),
        settings.allowedLateness(), clock);
    try (var lines = NdjsonLines.open(body, events.maxEventBytes(), settings.maxBodySize())) {
      var counts = run.run(lines, (line, reasons) -> {
        if (listed.size() < settings.maxListedRefusals()) listed.add(new RefusedLine(line, reasons));
      });
      if (counts.read() == 0) throw new ApiError.BadRequest("no rows", List.of("body: no GA4 row (one JSON object a line)"));
      if (counts.produced() == 0) {
        throw new ApiError.BadRequest("no row imported", listed.stream()
            .map(r -> "line " + r.line() + ": " + String.join("; ", r.reasons())).toList());
      }
      var notes = new ArrayList<String>();
      if (counts.refused() > listed.size()) {
        notes.add("the first " + listed.size() + " of " + counts.refused() + " refused lines are listed");
      }
      if (counts.outOfOrder() > 0) notes.add(Ga4Import.outOfOrder(counts.outOfOrder(), settings.allowedLateness()));
      return new ImportReport(organizationId, counts.read(), counts.produced(), counts.refused(), listed,
          counts.outOfOrder(), notes.isEmpty() ? null : String.join("; ", notes));
    } catch (NdjsonLines.TooLarge e) {
      throw tooLarge(run.counts());
    } catch (IOException e) {
      if (StartupFailure.cause(e, EntityStreamSizeException.class).isPresent()) throw tooLarge(run.counts());
      log.debug("Import body not read to its end: {}", e.toString());
      throw new ApiError.BadRequest("unreadable body", List.of("body: could not be read to its end ("
          + StartupFailure.rootReason(e) + "); " + run.counts().produced() + " rows before were imported, "
          + "sending the body again counts each once"));
    } catch (Ga4Import.KafkaFailure e) {
      log.warn("Import stopped: {}", e.getMessage());
      throw new ApiError.Unavailable("Kafka unavailable: import stopped", List.of(e.getMessage()), RETRY_AFTER);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  private ApiError tooLarge(Ga4Import.Counts counts) {
    return new ApiError.TooLarge("body: more than " + settings.maxBodySize() + " bytes of rows; the " + counts.produced()
        + " rows before the limit were imported, sending them again counts each once: split the file");
  }
}
