package dev.beacon.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Generated traffic shapes for end-to-end runs: each shape is one organisation's few distinct
 * events (campaign events with and without a user, GA4 rows with page views and purchases) and
 * how a client delivers them, retries included; the oracle counts every distinct event once.
 */
public final class TrafficShapes {
  /** How a shape's events reach Beacon. */
  public enum Delivery {
    /** One HTTP request holding every event, retries next to their originals ({@code [a, a]}, {@code [e1, e2, e1]}). */
    ONE_REQUEST,
    /** One HTTP request per event, each retry as the next request. */
    REQUEST_PER_EVENT,
    /** Kafka records, each retry byte-identical right after its original (same partition). */
    KAFKA_SAME_PARTITION,
    /** Kafka records, each retry on another partition. */
    KAFKA_OTHER_PARTITION,
    /** One HTTP request, and the whole request again later (in the next round). */
    WHOLE_REQUEST_AGAIN_LATER
  }

  /** One distinct event as the oracle sees it, with its wire JSON and Kafka key. */
  public record Sent(String org, String json, String key, String campaign, String type, long cents, String user,
      boolean conversion) {
    public byte[] bytes() {
      return json.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** One shape: its events, the indexes sent again, and how. */
  public record Shape(String org, List<Sent> events, List<Integer> retried, Delivery delivery) {
    /** The events in sending order, each retry right after its original. */
    public List<Sent> withRetries() {
      var out = new ArrayList<Sent>();
      for (int i = 0; i < events.size(); i++) {
        out.add(events.get(i));
        for (var r : retried) if (r == i) out.add(events.get(i));
      }
      return out;
    }

    /** A JSON body with these events, for HTTP intake. */
    public static String body(List<Sent> events) {
      return "{\"events\":[" + String.join(",", events.stream().map(Sent::json).toList()) + "]}";
    }

    public List<ProducerRecord<String, byte[]>> records(String topic, int partitions) {
      var out = new ArrayList<ProducerRecord<String, byte[]>>();
      for (var s : withRetries()) {
        var again = out.stream().anyMatch(r -> java.util.Arrays.equals(r.value(), s.bytes()));
        if (again && delivery == Delivery.KAFKA_OTHER_PARTITION) {
          var home = out.stream().filter(r -> java.util.Arrays.equals(r.value(), s.bytes())).findFirst().orElseThrow();
          out.add(new ProducerRecord<>(topic, (home.partition() + 1) % partitions, s.key(), s.bytes()));
        } else {
          var partition = delivery == Delivery.KAFKA_OTHER_PARTITION ? Math.floorMod(s.key().hashCode(), partitions) : null;
          out.add(new ProducerRecord<>(topic, partition, s.key(), s.bytes()));
        }
      }
      return out;
    }
  }

  private TrafficShapes() {}

  /** {@code count} shapes, deliveries in turn, seeded; events within the last hour before {@code now}. */
  public static List<Shape> generate(String run, int count, long seed, Instant now) {
    var random = new Random(seed);
    var shapes = new ArrayList<Shape>();
    var deliveries = Delivery.values();
    for (int k = 0; k < count; k++) {
      var org = run + "-o" + k;
      var events = new ArrayList<Sent>();
      var n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) events.add(event(org, k, i, random, now));
      var retried = new ArrayList<Integer>();
      for (int i = 0; i < n; i++) if (random.nextInt(3) == 0 || (i == 0 && k % 7 == 0)) retried.add(i);
      shapes.add(new Shape(org, events, retried, deliveries[k % deliveries.length]));
    }
    return shapes;
  }

  private static Sent event(String org, int shape, int i, Random random, Instant now) {
    var user = random.nextInt(4) == 0 ? null : "u" + random.nextInt(3);
    var at = now.minusSeconds(60 + random.nextInt(3_000)).toEpochMilli();
    var cents = 1 + random.nextInt(900);
    if (user != null && random.nextInt(3) == 0) {
      var purchase = random.nextBoolean();
      var params = "[{\"key\":\"ga_session_id\",\"value\":{\"int_value\":" + (1 + random.nextInt(2)) + "}},"
          + "{\"key\":\"source\",\"value\":{\"string_value\":\"google\"}},{\"key\":\"medium\",\"value\":{\"string_value\":\"cpc\"}}]";
      var ecommerce = purchase
          ? "{\"purchase_revenue_in_usd\":" + cents / 100.0 + ",\"transaction_id\":\"T-" + shape + "-" + i + "\"}" : "null";
      var json = "{\"event_name\":\"" + (purchase ? "purchase" : "page_view") + "\",\"event_timestamp\":" + at * 1000
          + ",\"user_pseudo_id\":\"" + user + "\",\"organizationId\":\"" + org + "\",\"event_params\":" + params
          + ",\"ecommerce\":" + ecommerce + "}";
      return new Sent(org, json, org + "|" + user, null, null, purchase ? cents : 0, user, purchase);
    }
    var types = List.of("impression", "click", "conversion", "view");
    var type = types.get(random.nextInt(types.size()));
    var campaign = "c" + random.nextInt(2);
    // half with the sender's own id, half identified by their content (the SHA-256 of a canonical form)
    var id = random.nextBoolean() ? "\"eventId\":\"" + org + "-e" + i + "\"," : "";
    var metadata = user == null ? "{\"sessionId\":\"s" + random.nextInt(3) + "\"}"
        : "{\"userId\":\"" + user + "\",\"sessionId\":\"" + user + "-s" + random.nextInt(2) + "\"}";
    var json = "{" + id + "\"eventType\":\"" + type + "\",\"campaignId\":\"" + campaign + "\",\"organizationId\":\"" + org
        + "\",\"timestamp\":" + (at + i) + ",\"value\":" + cents / 100.0 + ",\"metadata\":" + metadata + "}";
    return new Sent(org, json, org + "|" + (user != null ? user : campaign), campaign, type, cents, user,
        type.equals("conversion") && user != null);
  }

  /** What Beacon must show once every shape is in: each distinct event counted once. */
  public static final class Oracle {
    /** "org|campaign" → type → count. */
    public final Map<String, Map<String, Long>> counts = new HashMap<>();
    /** "org|campaign" → spend (impressions and clicks) and conversion value, in cents. */
    public final Map<String, long[]> money = new HashMap<>();
    /** "org|user" → distinct events of that user. */
    public final Map<String, Long> userEvents = new HashMap<>();
    /** "org|user" → conversions of that user. */
    public final Map<String, Long> userConversions = new HashMap<>();
    /** org → conversions with a user and their value in cents (what attribution credits). */
    public final Map<String, long[]> credited = new HashMap<>();

    public static Oracle of(List<Shape> shapes) {
      var oracle = new Oracle();
      Set<Sent> distinct = new LinkedHashSet<>();
      for (var shape : shapes) distinct.addAll(shape.events());
      for (var s : distinct) {
        if (s.campaign() != null) {
          var key = s.org() + "|" + s.campaign();
          oracle.counts.computeIfAbsent(key, k -> new HashMap<>()).merge(s.type(), 1L, Long::sum);
          var money = oracle.money.computeIfAbsent(key, k -> new long[2]);
          if (s.type().equals("impression") || s.type().equals("click")) money[0] += s.cents();
          if (s.type().equals("conversion")) money[1] += s.cents();
        }
        if (s.user() != null) {
          oracle.userEvents.merge(s.org() + "|" + s.user(), 1L, Long::sum);
          if (s.conversion()) {
            oracle.userConversions.merge(s.org() + "|" + s.user(), 1L, Long::sum);
            var c = oracle.credited.computeIfAbsent(s.org(), k -> new long[2]);
            c[0]++;
            c[1] += s.cents();
          }
        }
      }
      return oracle;
    }
  }
}
