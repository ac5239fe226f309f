package dev.beacon.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The live dashboard: {@code GET /} is the page, {@code GET /assets/...} its script, style sheet
 * and the chart library (Chart.js, from its webjar on the classpath). The files are static and
 * public; the data calls the page makes carry the key, so these routes stand outside the key
 * check. Pekko's resource directives resolve the content type from the file name, answer
 * conditional requests, and refuse paths that climb out of the directory.
 */
public final class DashboardPage extends AllDirectives {
  static final String WEB = "web";
  private static final String CHART_JS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
  // Revalidated at every load (a 304 when unchanged): a new Beacon must not run an old script.
  private static final CacheControl REVALIDATE = CacheControl.create(CacheDirectives.NO_CACHE);

  private final String chartJs;

  public DashboardPage() {
    this.chartJs = "META-INF/resources/webjars/chart.js/" + webjarVersion(CHART_JS_POM) + "/dist/chart.umd.js";
  }

  public Route routes() {
    return get(() -> respondWithHeader(REVALIDATE, () -> concat(
        pathEndOrSingleSlash(() -> getFromResource(WEB + "/index.html")),
        path(PathMatchers.segment("assets").slash("vendor").slash("chart.umd.js"), () -> getFromResource(chartJs)),
        pathPrefix("assets", () -> getFromResourceDirectory(WEB)))));
  }

  /** The version of a webjar on the classpath, from the pom.properties Maven packs into it. */
  static String webjarVersion(String pomProperties) {
    try (var in = DashboardPage.class.getClassLoader().getResourceAsStream(pomProperties)) {
      if (in == null) throw new IllegalStateException(pomProperties + " is not on the classpath");
      var properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
