package dev.beacon.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The part of the Kubernetes API that kubernetes-api discovery reads, over HTTPS as the real one:
 * {@code GET /api/v1/namespaces/{namespace}/pods?labelSelector=…} answers with one running pod per
 * management port, all on 127.0.0.1, whatever the selector (the requests are kept for the test to
 * check). Its certificate, for 127.0.0.1 and localhost, is made by the JDK's keytool; {@link #caFile}
 * is the PEM the discovery trusts ({@code api-ca-path}), {@link #tokenFile} its bearer token.
 */
final class KubernetesApiStub implements AutoCloseable {
  static final String TOKEN = "stub-service-account-token";
  private static final String PASSWORD = "stub-keystore";
  private final HttpsServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Integer> managementPorts;
  final Path caFile;
  final Path tokenFile;

  /** A request as the stub received it: path, decoded query, Authorization header. */
  record Request(String path, String query, String authorization) {}

  KubernetesApiStub(Path dir, List<Integer> managementPorts) throws Exception {
    this.managementPorts = List.copyOf(managementPorts);
    var keystore = dir.resolve("api-server.p12");
    caFile = dir.resolve("ca.crt");
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
    keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "api", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", caFile.toString());
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls(keystore)));
    server.createContext("/api/v1/namespaces/", this::answer);
    server.start();
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
    }
  }

  private static SSLContext tls(Path keystore) throws Exception {
    var keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    var managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, PASSWORD.toCharArray());
    var context = SSLContext.getInstance("TLS");
    context.init(managers.getKeyManagers(), null, null);
    return context;
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void answer(HttpExchange exchange) throws IOException {
    var uri = exchange.getRequestURI();
    requests.add(new Request(uri.getPath(), uri.getRawQuery() == null ? "" : URLDecoder.decode(uri.getRawQuery(),
        StandardCharsets.UTF_8), exchange.getRequestHeaders().getFirst("Authorization")));
    var body = (uri.getPath().endsWith("/pods") ? podList() : "{}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(uri.getPath().endsWith("/pods") ? 200 : 404, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The PodList fields the discovery reads: phase, IP, the container's port named management. */
  private String podList() {
    return managementPorts.stream().map(port -> """
        {"metadata":{"name":"beacon-%d","namespace":"beacon-test","labels":{"app":"beacon"}},
         "spec":{"containers":[{"name":"beacon","ports":[{"name":"management","containerPort":%d}]}]},
         "status":{"phase":"Running","podIP":"127.0.0.1",
                   "containerStatuses":[{"name":"beacon","state":{"running":{}}}]}}""".formatted(port, port))
        .collect(Collectors.joining(",", "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[", "]}"));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
