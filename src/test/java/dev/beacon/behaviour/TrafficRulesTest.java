package dev.beacon.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.beacon.event.Consent;
import dev.beacon.event.Event;
import dev.beacon.event.EventType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GIVT rules: the known-bot patterns of application.conf, and data-centre CIDR blocks. */
class TrafficRulesTest {
  private static final TrafficRules DEFAULTS = TrafficRules.from(
      ConfigFactory.parseResources("application.conf").resolve().getConfig("beacon.behaviour.invalid-traffic"));

  static Event event(String userAgent, String ipAddress) {
    return new Event("e1", "campaign", "acme", "click", EventType.CLICK, "c1", "u1", "s1",
        Instant.parse("2026-12-01T12:00:00Z"), 0, "USD", 0, null, null, null, null, null, List.of(), userAgent, ipAddress,
        Consent.UNSAID);
  }

  @Test
  void knownCrawlersAndScriptedClientsAreGivt() {
    for (var agent : List.of("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
        "python-requests/2.31.0", "curl/8.5.0", "facebookexternalhit/1.1", "AhrefsBot/7.0", "Scrapy/2.11")) {
      assertThat(DEFAULTS.judge(event(agent, null))).as(agent).isEqualTo(InvalidTraffic.GIVT_KNOWN_BOT);
    }
  }

  @Test
  void browsersAreValid() {
    for (var agent : List.of(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 12; Cubot KingKong) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36")) {
      assertThat(DEFAULTS.judge(event(agent, "203.0.113.9"))).as(agent).isNull();
    }
    assertThat(DEFAULTS.judge(event(null, null))).as("nothing said").isNull();
  }

  @Test
  void addressesInADataCentreRangeAreGivt() {
    var rules = new TrafficRules(List.of(), List.of("203.0.113.0/24", "198.51.100.128/25", "2001:db8:ab00::/40"));
    assertThat(rules.judge(event(null, "203.0.113.77"))).isEqualTo(InvalidTraffic.GIVT_DATA_CENTER);
    assertThat(rules.judge(event(null, "198.51.100.200"))).isEqualTo(InvalidTraffic.GIVT_DATA_CENTER);
    assertThat(rules.judge(event(null, "198.51.100.127"))).as("just below the /25").isNull();
    assertThat(rules.judge(event(null, "203.0.114.1"))).isNull();
    assertThat(rules.judge(event(null, "2001:db8:abff::1"))).isEqualTo(InvalidTraffic.GIVT_DATA_CENTER);
    assertThat(rules.judge(event(null, "2001:db8:ac00::1"))).isNull();
    assertThat(rules.judge(event(null, "::ffff:10.0.0.1"))).as("an IPv4-mapped address outside the ranges").isNull();
  }

  @Test
  void aBotAgentIsReportedBeforeItsAddress() {
    var rules = new TrafficRules(List.of("bot"), List.of("0.0.0.0/0"));
    assertThat(rules.judge(event("somebot", "192.0.2.1"))).isEqualTo(InvalidTraffic.GIVT_KNOWN_BOT);
    assertThat(rules.judge(event("Firefox", "192.0.2.1"))).isEqualTo(InvalidTraffic.GIVT_DATA_CENTER);
  }

  @Test
  void aRangeThatIsNoCidrBlockIsRefusedAtStart() {
    assertThatThrownBy(() -> new TrafficRules(List.of(), List.of("example.com/24")))
        .hasMessageContaining("data-center-ranges");
    assertThatThrownBy(() -> new TrafficRules(List.of(), List.of("10.0.0.0/33"))).hasMessageContaining("prefix");
  }
}
