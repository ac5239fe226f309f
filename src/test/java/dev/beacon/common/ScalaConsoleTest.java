package dev.beacon.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScalaConsoleTest {

  @Test
  void onlyTheProjectionStopLinesAreDropped() {
    var bytes = new ByteArrayOutputStream();
    var out = ScalaConsole.withoutProjectionStops(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    out.println((Object) ("# stop org.apache.pekko.projection.jdbc.internal.JdbcProjectionImpl$JdbcRunningProjection@6d4e5011"));
    out.println("# stop org.apache.pekko.projection.jdbc.internal.JdbcProjectionImpl$JdbcRunningProjection@1b2c3d4e");
    out.println("# stop something else");
    out.println((Object) 42);
    out.print("no newline");
    out.flush();
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("# stop something else", "42", "no newline");
  }
}
