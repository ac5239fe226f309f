package dev.beacon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.common.Json;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.TestInstance;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;

/**
 * The Pekko HTTP route testkit on JUnit 5. Its own {@code JUnitRouteTest} runs its actor system
 * as a JUnit 4 rule, which the JUnit 5 engine never starts; its base, {@link RouteTest}, needs only
 * a system and the assertions to fail with: here JUnit 5's, on the system of the test class's
 * typed {@code ActorTestKit}, one per class (one instance per class), shut down after its tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JupiterRouteTest extends RouteTest {
  protected final ActorTestKit testKit;

  protected JupiterRouteTest(ActorTestKit testKit) {
    this.testKit = testKit;
  }

  @AfterAll
  void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  @Override
  public org.apache.pekko.actor.ActorSystem system() {
    return Adapter.toClassic(testKit.system());
  }

  @Override
  public Materializer materializer() {
    return Materializer.matFromSystem(testKit.system());
  }

  @Override
  public FiniteDuration awaitDuration() {
    return FiniteDuration.apply(15, "s");
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system().dispatcher(), materializer()) {
      @Override
      public void fail(String message) {
        Assertions.fail(message + " (request: " + request + ")");
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, () -> message + " (request: " + request + ")");
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, () -> message + " (request: " + request + ")");
      }

      @Override
      public void assertTrue(boolean condition, String message) {
        Assertions.assertTrue(condition, () -> message + " (request: " + request + ")");
      }
    };
  }

  /** The answer's body as JSON. */
  protected static JsonNode json(TestRouteResult result) {
    try {
      return Json.MAPPER.readTree(result.entityString());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
