package dev.beacon.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.JupiterRouteTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.AskTimeoutException;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/** The one mapping of failures to answers, through a route that answers what it is given. */
class HttpJsonTest extends JupiterRouteTest {
  HttpJsonTest() {
    super(ActorTestKit.create("HttpJsonTest"));
  }



  private static Route failingWith(Throwable error) {
    CompletionStage<String> answer = CompletableFuture.failedFuture(error);
    return HttpJson.onAnswer(answer, HttpJson::ok);
  }

  private void answers(Throwable error, int status, String body) {
    testRoute(failingWith(error)).run(HttpRequest.GET("/")).assertStatusCode(status).assertEntity(body);
  }

  @Test
  void eachTypedErrorHasItsStatusAndTheReasons() {
    answers(new ApiError.BadRequest("bad parameters", List.of("from: must be a date", "to: must be a date")), 400,
        "{\"error\":\"bad parameters\",\"reasons\":[\"from: must be a date\",\"to: must be a date\"]}");
    answers(new ApiError.NotFound("unknown campaign"), 404, "{\"error\":\"unknown campaign\",\"reasons\":[\"unknown campaign\"]}");
    answers(new ApiError.Conflict("already running", List.of("action: a run is in progress")), 409,
        "{\"error\":\"already running\",\"reasons\":[\"action: a run is in progress\"]}");
    answers(new ApiError.TooLarge("body: too long"), 413, "{\"error\":\"request too large\",\"reasons\":[\"body: too long\"]}");
    answers(new ApiError.UnsupportedMediaType("Content-Type: must be JSON"), 415,
        "{\"error\":\"unsupported content type\",\"reasons\":[\"Content-Type: must be JSON\"]}");
  }

  @Test
  void aTypedErrorInsideACompletionExceptionIsStillTyped() {
    answers(new java.util.concurrent.CompletionException(new ApiError.NotFound("unknown user")), 404,
        "{\"error\":\"unknown user\",\"reasons\":[\"unknown user\"]}");
  }

  @Test
  void unavailableIs503WithRetryAfterWhenARetryHelps() {
    var retry = testRoute(failingWith(new ApiError.Unavailable("Kafka unavailable", List.of("not acknowledged"), Duration.ofSeconds(2))))
        .run(HttpRequest.GET("/"));
    retry.assertStatusCode(503).assertEntity("{\"error\":\"Kafka unavailable\",\"reasons\":[\"not acknowledged\"]}");
    assertThat(retry.header(RetryAfter.class).value()).isEqualTo("2");

    testRoute(failingWith(new ApiError.Unavailable("shutting down", List.of("shutting down"), null)))
        .run(HttpRequest.GET("/")).assertStatusCode(503).assertHeaderKindNotExists("retry-after");
  }

  @Test
  void anAskTimeoutIs503WithoutTheAskersInternals() {
    var answer = testRoute(failingWith(new AskTimeoutException(
        "Ask timed out on [Actor[pekko://x/system/sharding/Campaign#1]] after [5000 ms]. Message of type [dev.beacon.campaign.Campaign$GetMetrics]")))
        .run(HttpRequest.GET("/"));
    answer.assertStatusCode(503).assertEntity("{\"error\":\"timed out\",\"reasons\":[\"no answer in time: try again\"]}");
    assertThat(answer.header(RetryAfter.class)).isNotNull();
  }

  @Test
  void anUntypedRejectionIsABadRequestWithItsReason() {
    answers(new StatusReply.ErrorMessage("unknown campaign"), 400, "{\"error\":\"unknown campaign\",\"reasons\":[\"unknown campaign\"]}");
  }

  @Test
  void anythingElseIs500NamingNoClass() {
    answers(new IllegalStateException("java.sql.SQLException: connection refused"), 500,
        "{\"error\":\"internal error\",\"reasons\":[\"unexpected failure: the server log has the details\"]}");
  }

  @Test
  void aRejectionTheFeatureNamesBecomesItsType() {
    CompletionStage<String> rejected = CompletableFuture.failedFuture(new StatusReply.ErrorMessage("unknown user"));
    var typed = ApiError.whenRejected(rejected, "unknown user", ApiError.NotFound::new);
    testRoute(HttpJson.onAnswer(typed, HttpJson::ok)).run(HttpRequest.GET("/")).assertStatusCode(404);

    CompletionStage<String> other = CompletableFuture.failedFuture(new StatusReply.ErrorMessage("unknown user 7"));
    var untouched = ApiError.whenRejected(other, "unknown user", ApiError.NotFound::new);
    testRoute(HttpJson.onAnswer(untouched, HttpJson::ok)).run(HttpRequest.GET("/")).assertStatusCode(400);
  }
}
