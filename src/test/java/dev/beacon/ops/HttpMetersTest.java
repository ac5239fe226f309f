package dev.beacon.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A request's path becomes its route's template, so ids never become series. */
class HttpMetersTest {
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "/                                        | /",
      "/assets/app.js                           | /assets/*",
      "/assets                                  | unmatched",
      "/api/models/picker                       | /api/models/{modelId}",
      "/api/models/picker/                      | /api/models/{modelId}",
      "/api/models/evaluate                     | /api/models/evaluate",
      "/api/models/picker/decide                | /api/models/{modelId}/decide",
      "/api/models/picker/decide/more           | unmatched",
      "/api/campaigns/spring/analytics/daily    | /api/campaigns/{campaignId}/analytics/daily",
      "/api/admin/organizations/acme/keys/k1    | /api/admin/organizations/{organizationId}/keys/{keyId}",
      "/api/analytics/real-time                 | /api/analytics/real-time",
      "/no/such/path                            | unmatched"})
  void aPathBecomesItsRoutesTemplate(String path, String template) {
    assertEquals(template, HttpMeters.template(path));
  }
}
