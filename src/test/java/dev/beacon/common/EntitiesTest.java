package dev.beacon.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.junit.jupiter.api.Test;

class EntitiesTest {
  @Test
  void anOrganizationScopedIdSplitsBackIntoItsParts() {
    var id = Entities.organizationScoped("acme", "spring|sale");
    assertEquals("acme", Entities.organizationOf(id));
    assertEquals("spring|sale", Entities.localIdOf(id), "only the organisation may not contain '|'");
  }

  @Test
  void anIdWithoutOrganizationIsItsOwnOrganization() {
    assertEquals("acme", Entities.organizationOf("acme"));
  }

  @Test
  void thePersistenceIdNamesTheEntityType() {
    var type = EntityTypeKey.create(String.class, "Campaign");
    assertEquals("Campaign|acme|spring", Entities.persistenceId(type, "acme|spring").id());
  }
}
