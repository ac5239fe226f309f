package dev.beacon.privacy;

import dev.beacon.common.Sql;
import dev.beacon.identity.IdentityLinks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Erasure of a person, not of one id: a user known by a user id and an anonymous id (linked by
 * Segment's identify, {@link IdentityLinks}) has one journey under one of them, and bandit
 * decisions may name either. Each part is asked to forget every id of the person in turn, and
 * once the journals are cut the links themselves go (last, so that a request started again after
 * a crash still finds every id).
 */
public final class PersonForgetting {
  private PersonForgetting() {}

  /** {@code parts}, each forgetting every id of the person; then the identity links. */
  public static List<UserForgetting> of(IdentityLinks identities, Executor blocking, UserForgetting... parts) {
    var all = new ArrayList<UserForgetting>();
    for (var part : parts) {
      all.add(UserForgetting.of(part.name(), (org, userId, at) -> Sql.async(blocking, () -> identities.personOf(org, userId))
          .thenCompose(person -> forgetEach(part, org, List.copyOf(person.ids()), at))));
    }
    all.add(new UserForgetting() {
      @Override
      public String name() {
        return "identity links";
      }

      @Override
      public CompletionStage<List<Forgotten>> forget(String organizationId, String userId, Instant requestedAt) {
        return Sql.async(blocking, () -> {
          identities.forget(organizationId, identities.personOf(organizationId, userId));
          return List.<Forgotten>of();
        });
      }

      @Override
      public boolean afterJournals() {
        return true;
      }
    });
    return all;
  }

  private static CompletionStage<List<Forgotten>> forgetEach(UserForgetting part, String org, List<String> ids, Instant at) {
    CompletionStage<List<Forgotten>> forgotten = CompletableFuture.completedFuture(List.of());
    for (var id : ids) {
      forgotten = forgotten.thenCompose(before -> part.forget(org, id, at).thenApply(now -> {
        var all = new ArrayList<>(before);
        all.addAll(now);
        return all;
      }));
    }
    return forgotten;
  }
}
