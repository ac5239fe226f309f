package dev.beacon.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.testing.JupiterRouteTest;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.Test;

/** The page's files: their content types, revalidation, and nothing served from outside web/. */
class DashboardPageTest extends JupiterRouteTest {
  private final Route routes = new DashboardPage().routes();

  DashboardPageTest() {
    super(ActorTestKit.create("DashboardPageTest"));
  }

  @Test
  void theRootIsThePageWhichLoadsItsAssetsFromTheServerOnly() {
    var page = testRoute(routes).run(HttpRequest.GET("/"));
    page.assertStatusCode(200).assertMediaType("text/html");
    assertThat(page.header(CacheControl.class).value()).isEqualTo("no-cache");
    var html = page.entityString();
    assertThat(html).contains("src=\"/assets/app.js\"", "src=\"/assets/vendor/chart.umd.js\"", "href=\"/assets/app.css\"");
    assertThat(html).as("no CDN, nothing from elsewhere").doesNotContain("http://", "https://", "//cdn");
  }

  @Test
  void theScriptStyleAndChartLibraryHaveTheirContentTypes() {
    testRoute(routes).run(HttpRequest.GET("/assets/app.js")).assertStatusCode(200).assertMediaType("application/javascript");
    testRoute(routes).run(HttpRequest.GET("/assets/app.css")).assertStatusCode(200).assertMediaType("text/css");
    var chart = testRoute(routes).run(HttpRequest.GET("/assets/vendor/chart.umd.js"));
    chart.assertStatusCode(200).assertMediaType("application/javascript");
    var version = DashboardPage.webjarVersion("META-INF/maven/org.webjars.npm/chart.js/pom.properties");
    assertThat(chart.entityString()).startsWith("/*!\n * Chart.js v" + version + "\n").contains("Released under the MIT License");
    assertThat(chart.header(CacheControl.class).value()).isEqualTo("no-cache");
  }

  @Test
  void nothingOutsideTheWebFolderIsServed() {
    for (var path : new String[] {"/assets/%2e%2e/application.conf", "/assets/..%2Fapplication.conf", "/assets/../logback.xml",
        "/assets/vendor/%2e%2e/%2e%2e/application.conf", "/assets/", "/assets/missing.js", "/index.html"}) {
      assertThat(testRoute(routes).run(HttpRequest.GET(path)).status().intValue()).as(path).isEqualTo(404);
    }
  }
}
