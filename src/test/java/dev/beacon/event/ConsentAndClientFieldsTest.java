package dev.beacon.event;

import static dev.beacon.event.EventFixtures.DEFAULT_TIME;
import static dev.beacon.event.EventFixtures.bytes;
import static dev.beacon.event.EventFixtures.campaignEvent;
import static dev.beacon.event.EventFixtures.parser;
import static dev.beacon.event.EventFixtures.reasons;
import static dev.beacon.event.EventFixtures.valid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.common.Json;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fields behaviour and privacy read off an event: consent by purpose (campaign events'
 * {@code metadata.consent}, GA4 rows' {@code privacy_info}), the user agent and the IP address.
 */
class ConsentAndClientFieldsTest {
  private final EventParser parser = parser();

  private EventParser.Parsed parse(ObjectNode json) {
    return parser.parse(bytes(json), DEFAULT_TIME);
  }

  private static ObjectNode metadata(ObjectNode event) {
    return (ObjectNode) event.get("metadata");
  }

  @ParameterizedTest
  @CsvSource({"true,false,true,false", "\"granted\",\"denied\",true,false", "\"DENIED\",\"Granted\",false,true",
      "\"Yes\",\"No\",true,false"})
  void campaignEventConsentIsReadByPurpose(String analytics, String ads, boolean analyticsGranted, boolean adsGranted)
      throws Exception {
    var event = campaignEvent("click");
    metadata(event).set("consent", Json.MAPPER.readTree("{\"analytics\":" + analytics + ",\"adPersonalization\":" + ads + "}"));

    var consent = valid(parse(event)).consent();

    assertThat(consent).isEqualTo(new Consent(analyticsGranted, adsGranted));
  }

  @Test
  void aPurposeNotSaidStaysUnsaidAndAnEventWithoutConsentSaysNothing() throws Exception {
    var event = campaignEvent("click");
    metadata(event).set("consent", Json.MAPPER.readTree("{\"analytics\":false}"));

    assertThat(valid(parse(event)).consent()).isEqualTo(new Consent(false, null));
    assertThat(valid(parse(campaignEvent("click"))).consent()).isEqualTo(Consent.UNSAID);
  }

  @Test
  void badConsentIsRefusedWithItsField() throws Exception {
    var event = campaignEvent("click");
    metadata(event).set("consent", Json.MAPPER.readTree("{\"analytics\":\"maybe\",\"adPersonalization\":3}"));
    var notAnObject = campaignEvent("click");
    metadata(notAnObject).put("consent", "granted");

    assertThat(reasons(parse(event))).containsExactlyInAnyOrder(
        "metadata.consent.analytics: must be true, false, \"granted\" or \"denied\"",
        "metadata.consent.adPersonalization: must be true, false, \"granted\" or \"denied\"");
    assertThat(reasons(parse(notAnObject))).containsExactly("metadata.consent: must be an object");
  }

  @Test
  void laterChoicesOverrideEarlierOnlyForThePurposesTheySay() {
    var earlier = new Consent(true, false);

    assertThat(new Consent(null, true).over(earlier)).isEqualTo(new Consent(true, true));
    assertThat(Consent.UNSAID.over(earlier)).isEqualTo(earlier);
    assertThat(new Consent(false, null).over(Consent.UNSAID)).isEqualTo(new Consent(false, null));
  }

  @ParameterizedTest
  @CsvSource({"192.0.2.10,192.0.2.10", "2001:db8::1,2001:db8:0:0:0:0:0:1", "0.0.0.0,0.0.0.0"})
  void userAgentAndIpAddressAreKept(String ip, String kept) {
    var event = campaignEvent("click");
    metadata(event).put("userAgent", "Mozilla/5.0 (compatible; Googlebot/2.1)").put("ipAddress", ip);

    var parsed = valid(parse(event));

    assertThat(parsed.userAgent()).isEqualTo("Mozilla/5.0 (compatible; Googlebot/2.1)");
    assertThat(parsed.ipAddress()).isEqualTo(kept);
  }

  @ParameterizedTest
  @CsvSource({"256.1.1.1", "1.2.3", "example.com", "localhost", "1.2.3.4.5", "::g", "12:34:56"})
  void anIpAddressThatIsNotALiteralIsRefusedAndNeverLookedUp(String ip) {
    var event = campaignEvent("click");
    metadata(event).put("ipAddress", ip);

    assertThat(reasons(parse(event))).containsExactly("metadata.ipAddress: must be an IPv4 or IPv6 address");
  }

  @Test
  void ga4PrivacyInfoIsTheConsentOfTheRow() throws Exception {
    var row = (ObjectNode) Json.MAPPER.readTree(Files.readAllLines(dev.beacon.testing.TestData.GA4_SAMPLE).get(0));
    var widened = new EventParser(EventFixtures.settings("max-age = 36500d"), EventFixtures.CLOCK);
    assertThat(valid(widened.parse(bytes(row), DEFAULT_TIME)).consent()).as("the sample's rows say nothing").isEqualTo(Consent.UNSAID);

    ((ObjectNode) row.get("privacy_info")).put("analytics_storage", "No").put("ads_storage", "Yes");
    assertThat(valid(widened.parse(bytes(row), DEFAULT_TIME)).consent()).isEqualTo(new Consent(false, true));

    ((ObjectNode) row.get("privacy_info")).put("analytics_storage", "sometimes");
    assertThat(reasons(widened.parse(bytes(row), DEFAULT_TIME)))
        .containsExactly("privacy_info.analytics_storage: must be true, false, \"granted\" or \"denied\"");
  }
}
