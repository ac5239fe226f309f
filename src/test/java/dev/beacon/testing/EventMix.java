package dev.beacon.testing;

import dev.beacon.event.EventType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A seeded mix of campaign events over several organisations, campaigns and users, with the
 * totals each campaign must end up with, counted here independently of Beacon's code.
 */
public final class EventMix {
  public final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
  /** "org|campaign" → what that campaign must show. */
  public final Map<String, Expected> expected = new HashMap<>();

  public static final class Expected {
    public final long[] counts = new long[EventType.values().length];
    public BigDecimal spent = BigDecimal.ZERO;
    public BigDecimal conversionValue = BigDecimal.ZERO;
  }

  public static EventMix generate(String topic, int n, long seed, Instant now) {
    var mix = new EventMix();
    var random = new Random(seed);
    var types = EventType.values();
    for (int i = 0; i < n; i++) {
      var org = "org" + random.nextInt(3);
      var campaign = "camp" + random.nextInt(4);
      var type = types[random.nextInt(types.length)];
      var user = random.nextInt(10) < 7 ? "user" + random.nextInt(200) : null;
      var cents = random.nextInt(500);
      var value = BigDecimal.valueOf(cents, 2);
      var timestamp = now.minusSeconds(random.nextInt(3_600)).toEpochMilli();
      var eventId = random.nextBoolean() ? "\"eventId\":\"e-" + seed + "-" + i + "\"," : "";
      var metadata = user == null
          ? "{\"sessionId\":\"s" + random.nextInt(50) + "\"}"
          : "{\"userId\":\"" + user + "\",\"sessionId\":\"" + user + "-s" + random.nextInt(3) + "\"}";
      var json = "{" + eventId + "\"eventType\":\"" + type.wireName() + "\",\"campaignId\":\"" + campaign
          + "\",\"organizationId\":\"" + org + "\",\"timestamp\":" + timestamp + ",\"value\":" + value.toPlainString()
          + ",\"metadata\":" + metadata + ",\"seq\":" + i + "}";
      var key = org + "|" + (user != null ? user : campaign);
      mix.records.add(new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8)));
      var e = mix.expected.computeIfAbsent(org + "|" + campaign, k -> new Expected());
      e.counts[type.ordinal()]++;
      if (type == EventType.IMPRESSION || type == EventType.CLICK) e.spent = e.spent.add(value);
      if (type == EventType.CONVERSION) e.conversionValue = e.conversionValue.add(value);
    }
    return mix;
  }
}
