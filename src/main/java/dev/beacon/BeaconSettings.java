package dev.beacon;

import com.typesafe.config.Config;
import dev.beacon.backfill.ImportSettings;
import dev.beacon.bandit.model.BanditSettings;
import dev.beacon.bandit.model.ModelStreamSettings;
import dev.beacon.campaign.CampaignSettings;
import dev.beacon.common.DatabaseSettings;
import dev.beacon.common.StartupFailure;
import dev.beacon.common.HttpSettings;
import dev.beacon.common.ReadSideSettings;
import dev.beacon.event.EventSettings;
import dev.beacon.identity.IdentitySettings;
import dev.beacon.ingest.IngestSettings;
import dev.beacon.ingest.KafkaSettings;
import dev.beacon.journey.JourneySettings;
import dev.beacon.privacy.PrivacySettings;
import dev.beacon.live.LiveSettings;
import dev.beacon.ops.MetricsSettings;
import dev.beacon.security.SecuritySettings;
import dev.beacon.simulate.SimulatorSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything under {@code beacon} in application.conf, read once at start into one settings record
 * per feature; nothing below reads the configuration again. {@code dbUrlSet} tells whether the
 * database is the embedded H2 file (a start failure then names the data directory's variable);
 * {@code unreadyWait} is how long /ready answers 503 on shutdown before HTTP unbinds.
 */
record BeaconSettings(Path dataDir, boolean dbUrlSet, HttpSettings http, KafkaSettings kafka, IngestSettings ingest,
    EventSettings events, CampaignSettings campaign, JourneySettings journey, ReadSideSettings readSide,
    DatabaseSettings database, SimulatorSettings simulator, ImportSettings imports, SecuritySettings security,
    LiveSettings live, BanditSettings bandit, ModelStreamSettings modelStreams, ClusterSettings cluster,
    MetricsSettings metrics, PrivacySettings privacy, IdentitySettings identity, Duration unreadyWait) {

  static BeaconSettings from(Config config) {
    var beacon = config.getConfig("beacon");
    return new BeaconSettings(
        Path.of(beacon.getString("data-dir")),
        !beacon.getString("db.url").isBlank(),
        HttpSettings.from(beacon.getConfig("http")),
        KafkaSettings.from(beacon.getConfig("kafka")),
        IngestSettings.from(beacon.getConfig("ingest")),
        EventSettings.from(beacon.getConfig("events")),
        CampaignSettings.from(beacon.getConfig("campaign")),
        JourneySettings.from(beacon.getConfig("journey")),
        ReadSideSettings.from(beacon.getConfig("read-side")),
        DatabaseSettings.from(beacon),
        SimulatorSettings.from(beacon.getConfig("simulator")),
        ImportSettings.from(beacon.getConfig("import")),
        SecuritySettings.from(beacon.getConfig("security")),
        LiveSettings.from(beacon.getConfig("live")),
        BanditSettings.from(beacon.getConfig("bandit")),
        ModelStreamSettings.from(beacon.getConfig("bandit")),
        ClusterSettings.from(beacon.getConfig("cluster")),
        MetricsSettings.from(beacon.getConfig("metrics")),
        PrivacySettings.from(beacon.getConfig("privacy")),
        IdentitySettings.from(beacon.getConfig("identity")),
        unreadyWait(config));
  }

  /** {@code beacon.shutdown.unready-wait}, which the shutdown phase that holds it must outlast. */
  private static Duration unreadyWait(Config config) {
    var wait = config.getDuration("beacon.shutdown.unready-wait");
    var phase = config.getDuration("pekko.coordinated-shutdown.phases.before-service-unbind.timeout");
    if (wait.compareTo(phase) >= 0) {
      throw new StartupFailure("BEACON_SHUTDOWN_UNREADY_WAIT (" + wait.toMillis() + " ms) must be shorter than "
          + "pekko.coordinated-shutdown.phases.before-service-unbind.timeout (" + phase.toMillis() + " ms)", null);
    }
    return wait;
  }
}
