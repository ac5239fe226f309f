package dev.beacon.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.ServersOnABroker;
import dev.beacon.testing.TestDatabase;
import dev.beacon.testing.TestServers;
import io.fabric8.kubernetes.api.model.Probe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployment's probes against a running Beacon: every path they name answers 200 on its
 * management port once the node is up (readiness: once it is a member of the cluster), as the
 * kubelet would ask it; a path Pekko Management does not serve does not.
 */
class ManagementProbesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @RegisterExtension
  static final ServersOnABroker broker = new ServersOnABroker();

  @Test
  void everyProbeOfTheDeploymentAnswers200OnTheManagementPort(@TempDir Path dir) throws Exception {
    var container = new Deployed(Manifests.read(Manifests.ROOT.resolve("base/deployment.yaml"))).container();
    var probes = List.of(container.getStartupProbe(), container.getReadinessProbe(), container.getLivenessProbe());
    var server = broker.start(TestServers.config(dir, broker.kafka().bootstrapServers(), TestDatabase.h2(dir),
        "probes-" + UUID.randomUUID(), ""));
    // Management is started: starting it again only returns where it is bound (port 0: a free one).
    var management = PekkoManagement.get(server.system()).start().toCompletableFuture().get(10, TimeUnit.SECONDS);

    for (var probe : probes) {
      var uri = URI.create(management + probe.getHttpGet().getPath());
      Awaitility.await(uri.toString()).atMost(Duration.ofSeconds(30)).until(() -> status(uri) == 200);
    }
    assertThat(status(URI.create(management + "/not-a-probe"))).isEqualTo(404);
    assertThat(probes).extracting(Probe::getHttpGet).extracting(g -> g.getPort().getStrVal()).containsOnly("management");
  }

  private static int status(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
