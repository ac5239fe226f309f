package dev.beacon.bandit.model;

import static dev.beacon.common.HttpJson.onAnswer;
import static dev.beacon.common.HttpJson.refuse;

import dev.beacon.bandit.offline.BanditLog;
import dev.beacon.bandit.offline.EvaluationOptions;
import dev.beacon.bandit.offline.EvaluationResult;
import dev.beacon.bandit.offline.ItemList;
import dev.beacon.bandit.offline.MalformedLogException;
import dev.beacon.bandit.offline.OfflineEvaluation;
import dev.beacon.common.ApiError;
import dev.beacon.common.StartupFailure;
import dev.beacon.security.Access;
import dev.beacon.security.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharset;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.ParsingException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * {@code POST /api/models/evaluate?policy=uniform|linucb|logged[&seed=&alpha=&lambda=&epsilon=]}:
 * the {@code evaluate} command over HTTP ({@link OfflineEvaluation} on a {@link BanditLog}),
 * answering 200 with the very document {@code evaluate --json} writes
 * ({@link EvaluationResult#jsonDocument}). The log is the body, {@code text/csv}, or the
 * {@code log} part of a {@code multipart/form-data} body, after an optional {@code items} part
 * (the item context file, as {@code --items}; it must come first, the log being read as it
 * arrives). The log is read from the connection a buffer at a time into its compact rounds, never
 * held whole; beyond {@code beacon.bandit.max-evaluate-size} bytes it is 413.
 *
 * <p>An evaluation is CPU work: it runs on the blocking dispatcher, never the actors', and at most
 * {@code beacon.bandit.max-concurrent-evaluations} run at once on a node; one more is 503 with
 * Retry-After (the server is busy, whoever asks; 429 stays the answer to a key over its own rate).
 * It reads no organisation's data, so any key with the {@code read} scope may call it. Bad input
 * is 400 with its reasons: each bad parameter, or the file and line of what is wrong in the log.
 */
public final class EvaluateRoutes extends AllDirectives {
  /** The path segment after {@code /api/models/}: a word no model may take as its id. */
  public static final String SEGMENT = "evaluate";
  /** What the log is called in the answer and in reasons when it is the whole body. */
  static final String BODY = "request body";
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  private final long maxSize;
  private final int maxRunning;
  private final Semaphore running;
  private final Access access;
  private final Materializer materializer;
  private final Executor blocking;

  public EvaluateRoutes(ActorSystem<?> system, long maxSize, int maxRunning, Access access) {
    this.maxSize = maxSize;
    this.maxRunning = maxRunning;
    this.running = new Semaphore(maxRunning);
    this.access = access;
    this.materializer = Materializer.matFromSystem(system);
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  public Route routes() {
    return path(PathMatchers.segment("api").slash("models").slash(SEGMENT), () -> post(() ->
        access.withScope(Scope.READ, caller -> parameterMultiMap(query -> {
          var checked = EvaluationQuery.read(query);
          if (checked.options() == null) return refuse(new ApiError.BadRequest("invalid evaluation", checked.reasons()));
          return evaluate(checked.options());
        }))));
  }

  /**
   * The request's log evaluated with {@code options}. A large log takes longer than the server's
   * request timeout: the route lifts it, bounded instead by the size limit and the read timeout.
   */
  private Route evaluate(EvaluationOptions options) {
    return withoutRequestTimeout(() -> withSizeLimit(maxSize, () -> extractRequestEntity(entity -> {
      var length = entity.getContentLengthOption();
      if (length.isPresent() && length.getAsLong() > maxSize) return refuse(tooLarge());
      var mediaType = entity.getContentType().mediaType();
      var csv = mediaType.mainType().equals("text") && mediaType.subType().equals("csv");
      var form = mediaType.mainType().equals("multipart") && mediaType.subType().equals("form-data");
      if (!csv && !form) {
        return refuse(new ApiError.UnsupportedMediaType("Content-Type: must be text/csv (the log as the body) or "
            + "multipart/form-data (a log part, after an optional items part), got " + mediaType.value()));
      }
      if (!running.tryAcquire()) {
        return refuse(new ApiError.Unavailable("busy", List.of("evaluations: " + maxRunning + " are running, as many as "
            + "this server runs at once; retry after " + RETRY_AFTER.toSeconds() + " s"), RETRY_AFTER));
      }
      CompletionStage<EvaluationResult> result;
      try {
        result = csv ? evaluate(entity.getDataBytes(), charset(entity.getContentType()), BODY, Optional.empty(), options)
            : Unmarshaller.entityToMultipartFormData().unmarshal(entity, materializer)
                .exceptionally(error -> {
                  // a body read whole may fail to parse here already (answerTo says so); a multipart
                  // type without its boundary is said in a plain exception
                  if (StartupFailure.cause(error, ParsingException.class).isPresent()) throw new CompletionException(error);
                  throw new CompletionException(badPart("Content-Type: " + StartupFailure.rootReason(error)));
                })
                .thenCompose(parts -> evaluateParts(parts, options));
      } catch (RuntimeException e) {
        running.release();
        throw e;
      }
      return onAnswer(result.whenComplete((done, error) -> running.release()).exceptionally(this::answerTo),
          done -> complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_JSON, done.jsonDocument())));
    })));
  }

  /** What the parts of a form body brought so far: the item list, if any, then the result of the log. */
  private record Form(Optional<ItemList> items, EvaluationResult result) {}

  private CompletionStage<EvaluationResult> evaluateParts(Multipart.FormData parts, EvaluationOptions options) {
    return parts.getParts().map(part -> (Multipart.FormData.BodyPart) part)
        .runWith(Sink.<Form, Multipart.FormData.BodyPart>foldAsync(new Form(Optional.empty(), null),
            (form, part) -> take(form, part, options)), materializer)
        .thenApply(form -> {
          if (form.result() == null) throw badPart("log: required, a part named log holding the logged-bandit file");
          return form.result();
        });
  }

  private CompletionStage<Form> take(Form form, Multipart.FormData.BodyPart part, EvaluationOptions options) {
    var name = part.getName();
    var bytes = part.getEntity().getDataBytes();
    var charset = charset(part.getEntity().getContentType());
    var file = part.getFilename().orElse(name + " part");
    if (name.equals("items") && form.result() == null && form.items().isEmpty()) {
      return CompletableFuture.supplyAsync(() -> {
        try (var reader = new InputStreamReader(reading(bytes), charset)) {
          return new Form(Optional.of(ItemList.read(reader, file)), null);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, blocking);
    }
    if (name.equals("log") && form.result() == null) {
      return evaluate(bytes, charset, file, form.items(), options).thenApply(result -> new Form(form.items(), result));
    }
    String reason;
    if (name.equals("items")) {
      reason = form.result() == null ? "items: given twice" : "items: must come before the log part (the log is read as it arrives)";
    } else if (name.equals("log")) {
      reason = "log: given twice";
    } else {
      reason = name + ": not a part of this form (items, optional and first, then log)";
    }
    return CompletableFuture.failedFuture(badPart(reason));
  }

  /** The evaluation of the log in {@code bytes}, read and run on the blocking dispatcher. */
  private CompletionStage<EvaluationResult> evaluate(Source<ByteString, ?> bytes, Charset charset, String name,
      Optional<ItemList> items, EvaluationOptions options) {
    var body = reading(bytes);
    return CompletableFuture.supplyAsync(() -> {
      try (var reader = new InputStreamReader(body, charset)) {
        return OfflineEvaluation.run(BanditLog.read(reader, name, items), options);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, blocking);
  }

  /** The bytes as a stream read at the reader's pace: the connection is read no faster. */
  private InputStream reading(Source<ByteString, ?> bytes) {
    return bytes.runWith(StreamConverters.asInputStream(READ_TIMEOUT), materializer);
  }

  private static Charset charset(ContentType contentType) {
    return contentType.getCharsetOption().map(HttpCharset::nioCharset).orElse(StandardCharsets.UTF_8);
  }

  private static ApiError.BadRequest badPart(String reason) {
    return new ApiError.BadRequest("invalid form", List.of(reason));
  }

  private ApiError tooLarge() {
    return new ApiError.TooLarge("body: more than " + maxSize + " bytes, the most an evaluation reads "
        + "(beacon.bandit.max-evaluate-size); evaluate a larger log with the evaluate command");
  }

  /**
   * A failed evaluation as its answer: a log that is not of the layout 400, a body over the limit
   * 413, a form that is not multipart or a body cut short 400; anything else stays a failure (500).
   */
  private EvaluationResult answerTo(Throwable error) {
    var typed = StartupFailure.cause(error, ApiError.class);
    if (typed.isPresent()) throw typed.get();
    var malformed = StartupFailure.cause(error, MalformedLogException.class);
    if (malformed.isPresent()) throw new ApiError.BadRequest("invalid log", List.of(malformed.get().getMessage()));
    if (StartupFailure.cause(error, EntityStreamSizeException.class).isPresent()) throw tooLarge();
    var notForm = StartupFailure.cause(error, ParsingException.class);
    if (notForm.isPresent()) throw badPart("body: not multipart/form-data (" + StartupFailure.rootReason(notForm.get()) + ")");
    if (StartupFailure.cause(error, IOException.class).isPresent()
        || StartupFailure.cause(error, EntityStreamException.class).isPresent()) {
      throw new ApiError.BadRequest("unreadable body", List.of("body: could not be read to its end ("
          + StartupFailure.rootReason(error) + ")"));
    }
    throw error instanceof CompletionException c ? c : new CompletionException(error);
  }
}
