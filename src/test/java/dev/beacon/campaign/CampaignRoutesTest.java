package dev.beacon.campaign;

import static dev.beacon.campaign.CampaignFixtures.CAMPAIGN;
import static dev.beacon.campaign.CampaignFixtures.NOW;
import static dev.beacon.campaign.CampaignFixtures.ORG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.event.EventType;
import dev.beacon.security.Access;
import dev.beacon.testing.JupiterRouteTest;
import dev.beacon.testing.TestKits;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The campaign routes against real Campaign entities on a cluster of one: a campaign's metrics,
 * the typed 404 of a campaign never seen, 400 with reasons; the organisation list is a double
 * that never answers, for the 503 of an ask that times out.
 */
class CampaignRoutesTest extends JupiterRouteTest {
  static final Clock clock = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);
  Route routes;
  Route impatient;

  CampaignRoutesTest() {
    super(TestKits.clusterOfOne("CampaignRoutesTest"));
  }

  @BeforeAll
  void start() {
    var settings = CampaignFixtures.settings();
    Campaign.init(testKit.system(), settings, clock);
    var sharding = ClusterSharding.get(testKit.system());
    // answers nothing; stops on hand-off, as an unhandled PoisonPill stops a typed actor
    sharding.init(Entity.of(OrganizationCampaigns.ENTITY_TYPE_KEY,
        ctx -> Behaviors.receive(OrganizationCampaigns.Command.class).build()));
    routes = new CampaignRoutes(new CampaignQueries(sharding, Duration.ofSeconds(10), clock), settings, Access.open(), clock).routes();
    impatient = new CampaignRoutes(new CampaignQueries(sharding, Duration.ofMillis(300), clock), settings, Access.open(), clock).routes();
  }



  @Test
  void aCampaignNeverSeenIs404ForItsMetricsAndItsDays() {
    var body = "{\"error\":\"unknown campaign\",\"reasons\":[\"unknown campaign\"]}";
    testRoute(routes).run(HttpRequest.GET("/api/campaigns/never-seen/analytics/real-time?organizationId=" + ORG))
        .assertStatusCode(404).assertEntity(body);
    testRoute(routes).run(HttpRequest.GET("/api/campaigns/never-seen/analytics/daily?organizationId=" + ORG))
        .assertStatusCode(404).assertEntity(body);
  }

  @Test
  void aCountedCampaignAnswersItsMetricsWithNullForAnEmptyDenominator() {
    var event = CampaignFixtures.withValue("e1", EventType.CLICK, NOW, "1.50");
    var applied = testKit.<StatusReply<Campaign.Applied>>createTestProbe();
    ClusterSharding.get(testKit.system()).entityRefFor(Campaign.ENTITY_TYPE_KEY, Campaign.entityId(ORG, CAMPAIGN))
        .tell(new Campaign.Apply(List.of(CampaignFixtures.at(event, 0, 0)), Set.of(), applied.ref()));
    assertThat(applied.receiveMessage(Duration.ofSeconds(10)).isSuccess()).isTrue();

    var metrics = json(testRoute(routes)
        .run(HttpRequest.GET("/api/campaigns/" + CAMPAIGN + "/analytics/real-time?organizationId=" + ORG))
        .assertStatusCode(200));
    assertThat(metrics.get("campaignId").asText()).isEqualTo(CAMPAIGN);
    assertThat(metrics.get("clicks").asLong()).isEqualTo(1);
    assertThat(metrics.get("cpc").decimalValue()).isEqualByComparingTo("1.50");
    assertThat(metrics.has("ctr")).isTrue();
    assertThat(metrics.get("ctr").isNull()).as("no impressions: ctr is null, and present").isTrue();
  }

  @Test
  void badParametersAre400WithEveryReason() {
    testRoute(routes).run(HttpRequest.GET("/api/campaigns/c1/analytics/real-time?timeWindow=abc"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"bad parameters\",\"reasons\":[\"organizationId: required\","
            + "\"timeWindow: must be a whole number of seconds\"]}");
    testRoute(routes).run(HttpRequest.GET("/api/campaigns/c1/analytics/daily?organizationId=o&from=2026-02-02&to=2026-02-01"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"bad parameters\",\"reasons\":[\"from: must not be after to\"]}");
  }

  @Test
  void aDailyBudgetIsSetReadAndClearedAndABadOneIs400WithEveryReason() {
    var path = "/api/campaigns/budgeted/settings?organizationId=" + ORG;
    testRoute(routes).run(HttpRequest.PUT(path).withEntity(ContentTypes.APPLICATION_JSON, "{\"dailyBudget\": \"120.50\"}"))
        .assertStatusCode(200)
        .assertEntity("{\"campaignId\":\"budgeted\",\"organizationId\":\"acme\",\"dailyBudget\":120.5}");
    assertThat(json(testRoute(routes).run(HttpRequest.GET(path)).assertStatusCode(200)).get("dailyBudget").decimalValue())
        .isEqualByComparingTo("120.5");
    testRoute(routes).run(HttpRequest.PUT(path).withEntity(ContentTypes.APPLICATION_JSON, "{\"dailyBudget\": null}"))
        .assertStatusCode(200);
    assertThat(json(testRoute(routes).run(HttpRequest.GET(path))).get("dailyBudget").isNull()).isTrue();

    testRoute(routes).run(HttpRequest.PUT(path).withEntity(ContentTypes.APPLICATION_JSON, "{\"dailyBudget\": -1, \"name\": \"x\"}"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"invalid campaign settings\",\"reasons\":[\"name: not a campaign setting (only dailyBudget is)\","
            + "\"dailyBudget: must not be negative\"]}");
    testRoute(routes).run(HttpRequest.PUT(path).withEntity(ContentTypes.APPLICATION_JSON, "{\"dailyBudget\": \"lots\"}"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"invalid campaign settings\",\"reasons\":[\"dailyBudget: must be an amount, such as 250.00\"]}");
    testRoute(routes).run(HttpRequest.PUT(path).withEntity(ContentTypes.APPLICATION_JSON, "{\"dailyBudget\": 0.0000001}"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"invalid campaign settings\",\"reasons\":[\"dailyBudget: at most six decimals\"]}");
    testRoute(routes).run(HttpRequest.PUT(path).withEntity(ContentTypes.APPLICATION_JSON, "{}"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"invalid campaign settings\",\"reasons\":[\"dailyBudget: required, an amount or null to clear it\"]}");
  }

  @Test
  void aCampaignWithoutAlertsListsNone() {
    testRoute(routes).run(HttpRequest.GET("/api/campaigns/quiet/alerts?organizationId=" + ORG))
        .assertStatusCode(200)
        .assertEntity("{\"campaignId\":\"quiet\",\"organizationId\":\"acme\",\"alerts\":[]}");
    testRoute(routes).run(HttpRequest.GET("/api/campaigns/quiet/alerts"))
        .assertStatusCode(400)
        .assertEntity("{\"error\":\"bad parameters\",\"reasons\":[\"organizationId: required\"]}");
  }

  @Test
  void anAskWithoutAnAnswerInTimeIs503() {
    testRoute(impatient).run(HttpRequest.GET("/api/analytics/real-time/dashboard?organizationId=" + ORG))
        .assertStatusCode(503)
        .assertHeaderKindExists("retry-after")
        .assertEntity("{\"error\":\"timed out\",\"reasons\":[\"no answer in time: try again\"]}");
  }
}
