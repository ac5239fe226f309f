package dev.beacon.journey;

import dev.beacon.attribution.Credit;
import dev.beacon.attribution.PathChange;
import dev.beacon.behaviour.InvalidTraffic;
import dev.beacon.common.CompactInput;
import dev.beacon.common.CompactOutput;
import dev.beacon.common.CompactSerializer;
import dev.beacon.event.Consent;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The journal form of {@link JourneyBucket.Event}s: every admitting batch of a bucket persists one,
 * the read side reads each back, so their size and speed set much of the pipeline's cost.
 * Bound in application.conf; manifests {@value #IDS_RECORDED}, {@value #USER_FORGOTTEN}, {@value #JOURNEYS_EXPIRED} and
 * {@value #JOURNEYS_UPDATED} (which adds what the batch's events said of consent to
 * {@value #JOURNEYS_UPDATED_4}, which added the invalid-traffic flag of each hit and each id to {@value #JOURNEYS_UPDATED_3},
 * which added each hit's device type to {@value #JOURNEYS_UPDATED_2}, which added the withdrawn
 * facts of restatements to {@value #JOURNEYS_UPDATED_1}; all still read, their hits and ids
 * without a flag, the first two's hits without a device type).
 */
public final class JourneyEventSerializer extends CompactSerializer {
  static final String IDS_RECORDED = "IdsRecorded.1";
  static final String JOURNEYS_UPDATED_1 = "JourneysUpdated.1";
  static final String JOURNEYS_UPDATED_2 = "JourneysUpdated.2";
  static final String JOURNEYS_UPDATED_3 = "JourneysUpdated.3";
  static final String JOURNEYS_UPDATED_4 = "JourneysUpdated.4";
  static final String JOURNEYS_UPDATED = "JourneysUpdated.5";
  static final String USER_FORGOTTEN = "UserForgotten.1";
  static final String JOURNEYS_EXPIRED = "JourneysExpired.1";

  @Override
  public int identifier() {
    return 7_420_002;
  }

  @Override
  public String manifest(Object event) {
    if (event instanceof JourneyBucket.IdsRecorded) return IDS_RECORDED;
    if (event instanceof JourneyBucket.JourneysUpdated) return JOURNEYS_UPDATED;
    if (event instanceof JourneyBucket.UserForgotten) return USER_FORGOTTEN;
    if (event instanceof JourneyBucket.JourneysExpired) return JOURNEYS_EXPIRED;
    throw new IllegalArgumentException("not a journey event: " + event.getClass().getName());
  }

  @Override
  protected void write(Object event, CompactOutput out) throws IOException {
    if (event instanceof JourneyBucket.IdsRecorded e) {
      out.list(e.seen(), JourneyEventSerializer::writeSeen);
      out.integer(e.appliedAtMillis());
    } else if (event instanceof JourneyBucket.JourneysUpdated e) {
      out.string(e.organizationId());
      out.list(e.seen(), JourneyEventSerializer::writeFlaggedSeen);
      out.integer(e.appliedAtMillis());
      out.list(e.hits(), JourneyEventSerializer::writeHit);
      out.list(e.sessionsStarted(), JourneyEventSerializer::writeSessionStarted);
      out.list(e.sessionsEngaged(), JourneyEventSerializer::writeSessionEngaged);
      out.list(e.conversions(), JourneyEventSerializer::writeConversion);
      out.list(e.pathChanges(), JourneyEventSerializer::writePathChange);
      out.list(e.feed(), JourneyEventSerializer::writeFeedItem);
      out.list(e.sessionsWithdrawn(), JourneyEventSerializer::writeSessionStarted);
      out.list(e.engagementsWithdrawn(), JourneyEventSerializer::writeSessionEngaged);
      out.list(e.conversionsWithdrawn(), JourneyEventSerializer::writeConversion);
      out.list(e.consents(), JourneyEventSerializer::writeConsentKept);
    } else if (event instanceof JourneyBucket.JourneysExpired e) {
      out.integer(e.cutoffMillis());
      out.integer(e.appliedAtMillis());
    } else if (event instanceof JourneyBucket.UserForgotten e) {
      out.string(e.userKey());
      out.integer(e.requestedAtMillis());
      out.integer(e.appliedAtMillis());
    } else {
      throw new IllegalArgumentException("not a journey event: " + event.getClass().getName());
    }
  }

  @Override
  protected Object read(String manifest, CompactInput in) throws IOException {
    return switch (manifest) {
      case IDS_RECORDED -> new JourneyBucket.IdsRecorded(in.list(JourneyEventSerializer::readSeen), in.integer());
      case JOURNEYS_UPDATED_1 -> new JourneyBucket.JourneysUpdated(in.string(), in.list(JourneyEventSerializer::readSeen),
          in.integer(), in.list(JourneyEventSerializer::readHitWithoutDevice),
          in.list(JourneyEventSerializer::readSessionStarted), in.list(JourneyEventSerializer::readSessionEngaged),
          in.list(JourneyEventSerializer::readConversion), in.list(JourneyEventSerializer::readPathChange),
          in.list(JourneyEventSerializer::readFeedItem));
      case JOURNEYS_UPDATED_2 -> readJourneysUpdated(in, JourneyEventSerializer::readSeen,
          JourneyEventSerializer::readHitWithoutDevice, false);
      case JOURNEYS_UPDATED_3 -> readJourneysUpdated(in, JourneyEventSerializer::readSeen,
          JourneyEventSerializer::readHitWithoutFlag, false);
      case JOURNEYS_UPDATED_4 -> readJourneysUpdated(in, JourneyEventSerializer::readFlaggedSeen,
          JourneyEventSerializer::readHit, false);
      case JOURNEYS_UPDATED -> readJourneysUpdated(in, JourneyEventSerializer::readFlaggedSeen,
          JourneyEventSerializer::readHit, true);
      case USER_FORGOTTEN -> new JourneyBucket.UserForgotten(in.string(), in.integer(), in.integer());
      case JOURNEYS_EXPIRED -> new JourneyBucket.JourneysExpired(in.integer(), in.integer());
      default -> throw unknownManifest(manifest);
    };
  }

  private static JourneyBucket.JourneysUpdated readJourneysUpdated(CompactInput in,
      CompactInput.ItemReader<JourneyState.Seen> seen, CompactInput.ItemReader<Hit> hit, boolean withConsents)
      throws IOException {
    return new JourneyBucket.JourneysUpdated(in.string(), in.list(seen), in.integer(),
        in.list(hit), in.list(JourneyEventSerializer::readSessionStarted),
        in.list(JourneyEventSerializer::readSessionEngaged), in.list(JourneyEventSerializer::readConversion),
        in.list(JourneyEventSerializer::readPathChange), in.list(JourneyEventSerializer::readFeedItem),
        in.list(JourneyEventSerializer::readSessionStarted), in.list(JourneyEventSerializer::readSessionEngaged),
        in.list(JourneyEventSerializer::readConversion),
        withConsents ? in.list(JourneyEventSerializer::readConsentKept) : List.of());
  }

  private static void writeConsentKept(CompactOutput out, JourneyState.ConsentKept kept) throws IOException {
    out.string(kept.userId());
    out.integer(choice(kept.consent().analytics()));
    out.integer(choice(kept.consent().adPersonalization()));
  }

  private static JourneyState.ConsentKept readConsentKept(CompactInput in) throws IOException {
    return new JourneyState.ConsentKept(in.string(), Consent.of(choice(in.integer()), choice(in.integer())));
  }

  /** A purpose's choice as a number: 1 granted, 0 denied, -1 not said. */
  private static long choice(Boolean granted) {
    return granted == null ? -1 : granted ? 1 : 0;
  }

  private static Boolean choice(long number) {
    return number < 0 ? null : number == 1;
  }

  private static void writeSeen(CompactOutput out, JourneyState.Seen seen) throws IOException {
    out.integer(seen.digest());
    out.integer(seen.partition());
    out.integer(seen.offset());
    out.integer(seen.appliedAtMillis());
  }

  private static JourneyState.Seen readSeen(CompactInput in) throws IOException {
    return new JourneyState.Seen(in.integer(), (int) in.integer(), in.integer(), in.integer());
  }

  private static void writeFlaggedSeen(CompactOutput out, JourneyState.Seen seen) throws IOException {
    writeSeen(out, seen);
    writeFlag(out, seen.flag());
  }

  private static JourneyState.Seen readFlaggedSeen(CompactInput in) throws IOException {
    return new JourneyState.Seen(in.integer(), (int) in.integer(), in.integer(), in.integer(), readFlag(in));
  }

  private static void writeFlag(CompactOutput out, InvalidTraffic flag) throws IOException {
    out.string(flag == null ? null : flag.name());
  }

  private static InvalidTraffic readFlag(CompactInput in) throws IOException {
    var name = in.string();
    return name == null ? null : InvalidTraffic.valueOf(name);
  }

  private static void writeHit(CompactOutput out, Hit hit) throws IOException {
    out.string(hit.userId());
    out.string(hit.name());
    out.integer(hit.timestampMillis());
    out.string(hit.sessionId());
    out.string(hit.channel());
    out.string(hit.campaign());
    out.integer(hit.engagementMillis());
    out.integer(hit.valueMicros());
    out.string(hit.transactionId());
    out.bool(hit.conversion());
    out.string(hit.deviceType());
    writeFlag(out, hit.invalidTraffic());
  }

  private static Hit readHit(CompactInput in) throws IOException {
    return new Hit(in.string(), in.string(), in.integer(), in.string(), in.string(), in.string(),
        in.integer(), in.integer(), in.string(), in.bool(), in.string(), readFlag(in));
  }

  private static Hit readHitWithoutFlag(CompactInput in) throws IOException {
    return new Hit(in.string(), in.string(), in.integer(), in.string(), in.string(), in.string(),
        in.integer(), in.integer(), in.string(), in.bool(), in.string());
  }

  private static Hit readHitWithoutDevice(CompactInput in) throws IOException {
    return new Hit(in.string(), in.string(), in.integer(), in.string(), in.string(), in.string(),
        in.integer(), in.integer(), in.string(), in.bool(), null);
  }

  private static void writeSessionStarted(CompactOutput out, SessionStarted s) throws IOException {
    out.string(s.userId());
    out.string(s.sessionId());
    out.date(s.day());
    out.integer(s.startMillis());
    out.string(s.channel());
    out.string(s.campaign());
  }

  private static SessionStarted readSessionStarted(CompactInput in) throws IOException {
    return new SessionStarted(in.string(), in.string(), in.date(), in.integer(), in.string(), in.string());
  }

  private static void writeSessionEngaged(CompactOutput out, SessionEngaged s) throws IOException {
    out.string(s.userId());
    out.string(s.sessionId());
    out.date(s.day());
    out.string(s.channel());
    out.string(s.campaign());
  }

  private static SessionEngaged readSessionEngaged(CompactInput in) throws IOException {
    return new SessionEngaged(in.string(), in.string(), in.date(), in.string(), in.string());
  }

  private static void writeConversion(CompactOutput out, Conversion c) throws IOException {
    out.string(c.userId());
    out.string(c.name());
    out.integer(c.timestampMillis());
    out.date(c.day());
    out.decimal(c.value());
    out.string(c.transactionId());
    out.string(c.sessionId());
    out.strings(c.path());
    out.list(c.credits().entrySet(), (o, entry) -> {
      o.string(entry.getKey());
      o.list(entry.getValue(), JourneyEventSerializer::writeCredit);
    });
  }

  private static Conversion readConversion(CompactInput in) throws IOException {
    var userId = in.string();
    var name = in.string();
    var timestamp = in.integer();
    var day = in.date();
    var value = in.decimal();
    var transactionId = in.string();
    var sessionId = in.string();
    var path = in.strings();
    var models = in.count();
    var credits = new LinkedHashMap<String, List<Credit>>();
    for (var i = 0; i < models; i++) credits.put(in.string(), in.list(JourneyEventSerializer::readCredit));
    return new Conversion(userId, name, timestamp, day, value, transactionId, sessionId, path, credits);
  }

  private static void writeCredit(CompactOutput out, Credit credit) throws IOException {
    out.string(credit.channel());
    out.string(credit.campaign());
    out.decimal(credit.conversions());
    out.decimal(credit.value());
  }

  private static Credit readCredit(CompactInput in) throws IOException {
    return new Credit(in.string(), in.string(), in.decimal(), in.decimal());
  }

  private static void writePathChange(CompactOutput out, PathChange change) throws IOException {
    out.string(change.userId());
    out.strings(change.path());
    out.integer(change.conversions());
    out.decimal(change.value());
    out.integer(change.nulls());
  }

  private static PathChange readPathChange(CompactInput in) throws IOException {
    return new PathChange(in.string(), in.strings(), in.integer(), in.decimal(), in.integer());
  }

  private static void writeFeedItem(CompactOutput out, FeedItem item) throws IOException {
    out.integer(item.timestampMillis());
    out.string(item.name());
    out.string(item.userId());
    out.string(item.channel());
    out.string(item.campaign());
  }

  private static FeedItem readFeedItem(CompactInput in) throws IOException {
    return new FeedItem(in.integer(), in.string(), in.string(), in.string(), in.string());
  }
}
