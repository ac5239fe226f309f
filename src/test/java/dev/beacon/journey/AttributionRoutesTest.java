package dev.beacon.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.beacon.attribution.ChannelGrouping;
import dev.beacon.common.Json;
import dev.beacon.event.Delivered;
import dev.beacon.event.Event;
import dev.beacon.security.Access;
import dev.beacon.testing.JupiterRouteTest;
import dev.beacon.testing.TestKits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attribution routes that need no read side, and users' profiles, against real journey
 * buckets on a cluster of one: a user no bucket knows is a typed 404 and has no profile, bad
 * parameters are 400 with the reason, a journey answer carries the user's profile.
 */
class AttributionRoutesTest extends JupiterRouteTest {
  private static final Instant NOW = Instant.parse("2024-05-10T12:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  JourneySettings settings;
  JourneyProfiles profiles;
  Route routes;
  long offset;

  AttributionRoutesTest() {
    super(TestKits.clusterOfOne("AttributionRoutesTest"));
  }

  @BeforeAll
  void start() {
    settings = JourneySettings.from(ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey"));
    JourneyBucket.init(testKit.system(), settings, ChannelGrouping.load(), Clock.systemUTC());
    Executor noReadSide = task -> {
      throw new AssertionError("these routes do not read the read side");
    };
    profiles = new JourneyProfiles(ClusterSharding.get(testKit.system()), settings,
        settings.buckets(JourneyBuckets.BucketHash.MURMUR2), TIMEOUT);
    routes = new AttributionRoutes(new AttributionQueries(null), profiles, AttributionRoutes.JourneyUsers.SAME, noReadSide,
        Access.open(), Clock.systemUTC())
        .routes();
  }

  /** A page view and a purchase of {@code user} in organisation acme, admitted by the user's bucket as the ingest does. */
  private void visitAndBuy(String user) throws Exception {
    var events = List.of(
        event(user, "page_view", NOW, new Event.TrafficSource("google", "cpc", "brand"), 0, null),
        event(user, "purchase", NOW.plusSeconds(60), null, 42_500_000, "T1"));
    ClusterSharding.get(testKit.system())
        .entityRefFor(JourneyBucket.ENTITY_TYPE_KEY, settings.buckets(JourneyBuckets.BucketHash.MURMUR2).entityId("acme", user))
        .<JourneyBucket.Admitted>askWithStatus(replyTo -> new JourneyBucket.Admit(events, replyTo), TIMEOUT)
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private Delivered event(String user, String name, Instant at, Event.TrafficSource source, long valueMicros,
      String transactionId) {
    var event = new Event(user + "/" + name, "ga4", "acme", name, null, null, user, user + ".1", at, valueMicros, "USD", 0,
        source, transactionId, "mobile", null, null, List.of(), null, null, null);
    return new Delivered(event, "beacon.events", 0, offset++);
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> answer) throws Exception {
    return answer.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  @Test
  void aUsersProfileIsAskedOfTheBucketThatHoldsTheirJourney() throws Exception {
    visitAndBuy("ann");

    var bought = NOW.plusSeconds(60).toEpochMilli();
    assertEquals(Optional.of(new JourneyProfile(1, 42.5, bought, bought, 1, 1, 1, "mobile", "Paid Search", bought, true, true)),
        get(profiles.of("acme", "ann")));
    assertEquals(Optional.empty(), get(profiles.of("acme", "nobody")));
    assertEquals(Optional.empty(), get(profiles.of("globex", "ann")), "another organisation's user of that id");
  }

  @Test
  void withJourneysOffNoUserHasAProfile() throws Exception {
    visitAndBuy("bob");
    var off = JourneySettings.from(ConfigFactory.parseString("tracking = off").withFallback(
        ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.journey")));

    var answer = new JourneyProfiles(ClusterSharding.get(testKit.system()), off,
        off.buckets(JourneyBuckets.BucketHash.MURMUR2), TIMEOUT).of("acme", "bob");

    assertEquals(Optional.empty(), get(answer));
  }

  @Test
  void theJourneyAnswerCarriesTheProfile() throws Exception {
    visitAndBuy("cid");

    var result = testRoute(routes).run(HttpRequest.GET("/api/users/cid/journey?organizationId=acme")).assertStatusCode(200);

    var bought = NOW.plusSeconds(60).toEpochMilli();
    assertEquals(Json.MAPPER.readTree("{\"purchases\":1,\"totalSpent\":42.5,\"firstPurchaseMillis\":" + bought
        + ",\"lastPurchaseMillis\":" + bought + ",\"sessions\":1,\"engagedSessions\":1,\"pageViews\":1,"
        + "\"deviceType\":\"mobile\",\"channel\":\"Paid Search\",\"lastActiveMillis\":" + bought
        + ",\"analyticsConsent\":true,\"adPersonalizationConsent\":true}"),
        json(result).get("profile"));
    assertEquals(2, json(result).get("sessions").get(0).get("events").asInt());
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
