package dev.beacon.journey;

import com.typesafe.config.ConfigFactory;
import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.security.Access;
import dev.beacon.testing.JupiterRouteTest;
import dev.beacon.testing.TestKits;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attribution routes that need no read side, against real journey buckets on a cluster of
 * one: a user no bucket knows is a typed 404, bad parameters are 400 with the reason.
 */
class AttributionRoutesTest extends JupiterRouteTest {
  Route routes;

  AttributionRoutesTest() {
    super(TestKits.clusterOfOne("AttributionRoutesTest"));
  }

  @BeforeAll
  void start() {
    var settings = JourneySettings.from(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey"));
    JourneyBucket.init(testKit.system(), settings, ChannelGrouping.load(), Clock.systemUTC());
    Executor noReadSide = task -> {
      throw new AssertionError("these routes do not read the read side");
    };
    routes = new AttributionRoutes(new AttributionQueries(null), ClusterSharding.get(testKit.system()), settings,
        noReadSide, Duration.ofSeconds(10), Access.open(), Clock.systemUTC()).routes();
  }



  @Test
  void aUserNoBucketKnowsIs404() {
    testRoute(routes).run(HttpRequest.GET("/api/users/nobody/journey?organizationId=acme"))
        .assertStatusCode(404)
        .assertEntity("{\"error\":\"unknown user\",\"reasons\":[\"unknown user\"]}");
  }

  @Test
  void badParametersAre400WithTheReason() {
    testRoute(routes).run(HttpRequest.GET("/api/users/u1/journey"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"bad parameters\",\"reasons\":[\"organizationId: required\"]}");
    testRoute(routes).run(HttpRequest.GET("/api/attribution/channels?organizationId=acme&model=nope"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"bad parameters\",\"reasons\":[\"model: unknown model 'nope', one of "
            + "[first_click, last_click, linear, time_decay, position_based, markov, shapley]\"]}");
    testRoute(routes).run(HttpRequest.GET("/api/attribution/compare?organizationId=acme&from=2026-13-01"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"bad parameters\",\"reasons\":[\"from: must be a date as YYYY-MM-DD\"]}");
  }
}
