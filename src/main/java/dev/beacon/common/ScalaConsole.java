package dev.beacon.common;

import java.io.PrintStream;

/**
 * Keeps a leftover debug line of pekko-projection-jdbc 1.0.0 off standard output: each JDBC
 * projection that stops prints {@code # stop <projection>} through Scala's {@code Console}, dozens
 * per bench run. {@code Console} writes, on every thread that did not redirect it, to the
 * {@code System.out} it found when it was first used; so, before any Scala code runs, it is made to
 * find a stream that drops exactly those lines and passes everything else on. Java's
 * {@code System.out} and the log are untouched.
 */
public final class ScalaConsole {
  private static final String PROJECTION_STOP =
      "# stop org.apache.pekko.projection.jdbc.internal.JdbcProjectionImpl$JdbcRunningProjection@";

  private ScalaConsole() {}

  /** Call first thing in {@code main}; false when Scala's {@code Console} was in use already (nothing changes). */
  public static synchronized boolean dropProjectionStopLines() {
    var stdout = System.out;
    System.setOut(withoutProjectionStops(stdout));
    try {
      return scala.Console.out() instanceof WithoutProjectionStops;
    } finally {
      System.setOut(stdout);
    }
  }

  /** {@code out}, less the lines the projection prints when it stops. */
  static PrintStream withoutProjectionStops(PrintStream out) {
    return new WithoutProjectionStops(out);
  }

  private static final class WithoutProjectionStops extends PrintStream {
    WithoutProjectionStops(PrintStream out) {
      super(out, true);
    }

    // Scala's println(x) is Console.out.println(x): these two are the only ways the line comes.
    @Override
    public void println(Object x) {
      if (!(x instanceof String s && s.startsWith(PROJECTION_STOP))) super.println(x);
    }

    @Override
    public void println(String x) {
      if (x == null || !x.startsWith(PROJECTION_STOP)) super.println(x);
    }
  }
}
