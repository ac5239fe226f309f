package dev.beacon.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beacon.testing.TestKits;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The list of an organisation's campaigns: registration persists only what is new. */
class OrganizationCampaignsTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create("OrganizationCampaignsTest", TestKits.eventSourcedConfig());
  private static final AtomicInteger organizations = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<OrganizationCampaigns.Command, OrganizationCampaigns.Event,
      OrganizationCampaigns.State> organization() {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        OrganizationCampaigns.create("org-" + organizations.incrementAndGet()),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<OrganizationCampaigns.Command,
      OrganizationCampaigns.Event, OrganizationCampaigns.State, StatusReply<OrganizationCampaigns.Registered>> register(
      EventSourcedBehaviorTestKit<OrganizationCampaigns.Command, OrganizationCampaigns.Event, OrganizationCampaigns.State> kit,
      Set<String> campaignIds) {
    return kit.runCommand(replyTo -> new OrganizationCampaigns.Register(campaignIds, replyTo));
  }

  private static List<String> list(
      EventSourcedBehaviorTestKit<OrganizationCampaigns.Command, OrganizationCampaigns.Event, OrganizationCampaigns.State> kit) {
    return kit.<StatusReply<OrganizationCampaigns.Campaigns>>runCommand(OrganizationCampaigns.ListCampaigns::new)
        .reply().getValue().campaignIds();
  }

  @Test
  void anOrganizationWithoutCampaignsListsNone() {
    var kit = organization();

    assertEquals(List.of(), list(kit));
  }

  @Test
  void registeredCampaignsAreListedInOrder() {
    var kit = organization();

    var result = register(kit, Set.of("summer", "autumn", "spring"));

    assertEquals(new OrganizationCampaigns.Registered(3), result.reply().getValue());
    assertEquals(new OrganizationCampaigns.CampaignsRegistered(Set.of("summer", "autumn", "spring")), result.event());
    assertEquals(List.of("autumn", "spring", "summer"), list(kit));
  }

  @Test
  void registeringKnownCampaignsPersistsNothing() {
    var kit = organization();
    register(kit, Set.of("spring", "summer"));

    var again = register(kit, Set.of("summer"));

    assertTrue(again.hasNoEvents());
    assertEquals(new OrganizationCampaigns.Registered(2), again.reply().getValue());
    assertEquals(List.of("spring", "summer"), list(kit));
  }

  @Test
  void registeringAMixPersistsOnlyTheNewCampaigns() {
    var kit = organization();
    register(kit, Set.of("spring"));

    var result = register(kit, Set.of("spring", "winter"));

    assertEquals(new OrganizationCampaigns.CampaignsRegistered(Set.of("winter")), result.event());
    assertEquals(new OrganizationCampaigns.Registered(2), result.reply().getValue());
  }

  @Test
  void registeredCampaignsSurviveARestart() {
    var kit = organization();
    register(kit, Set.of("spring"));
    register(kit, Set.of("summer"));

    kit.restart();

    assertEquals(List.of("spring", "summer"), list(kit));
    assertTrue(register(kit, Set.of("spring", "summer")).hasNoEvents());
  }

  @Test
  void campaignsPastTheCapAreRefused() {
    var kit = organization();
    var full = IntStream.range(0, OrganizationCampaigns.MAX_CAMPAIGNS - 1)
        .mapToObj(i -> String.format("c%06d", i)).collect(Collectors.toCollection(TreeSet::new));
    register(kit, full);

    var result = register(kit, Set.of("zz-over-1", "aa-last"));

    assertEquals(new OrganizationCampaigns.CampaignsRegistered(Set.of("aa-last")), result.event());
    assertEquals(new OrganizationCampaigns.Registered(OrganizationCampaigns.MAX_CAMPAIGNS), result.reply().getValue());
    assertTrue(register(kit, Set.of("zz-over-2")).hasNoEvents());
  }
}
