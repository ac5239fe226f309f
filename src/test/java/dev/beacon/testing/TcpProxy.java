package dev.beacon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 in front of one server (a database, Beacon's HTTP port), for outage
 * tests: {@link #cut} drops every connection and closes the listening port, so new connections
 * are refused as if the server were gone, then listens again on the same port after the outage;
 * {@link #loseAnswers} lets requests through and drops the connection when the answer comes, as a
 * client sees a request whose answer was lost on the way.
 */
public final class TcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger answersToLose = new AtomicInteger();
  private final ScheduledExecutorService reopen = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "proxy-reopen"));
  private volatile ServerSocket listening;
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target, ServerSocket listening) {
    this.target = target;
    this.listening = listening;
    this.port = listening.getLocalPort();
    accept(listening);
  }

  /** Starts a proxy to {@code host:port} on a free local port. */
  public static TcpProxy to(String host, int port) {
    return new TcpProxy(new InetSocketAddress(host, port), bind(0));
  }

  public int port() {
    return port;
  }

  /** Drops every connection and refuses new ones for {@code outage}, then accepts again on the same port. */
  public synchronized void cut(Duration outage) {
    closeQuietly(listening);
    for (var socket : open) closeQuietly(socket);
    open.clear();
    log.warn("Proxy 127.0.0.1:{} -> {} cut for {}", port, target, outage);
    reopen.schedule(this::listenAgain, outage.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The next {@code count} answers are lost: when the server's first bytes arrive on a connection
   * they are not passed on, and the connection is dropped (a reset, on both sides). The server
   * received and handled the request; the client sees a network error and no answer.
   */
  public void loseAnswers(int count) {
    answersToLose.set(count);
  }

  private synchronized void listenAgain() {
    if (closed) return;
    listening = bind(port);
    accept(listening);
    log.warn("Proxy 127.0.0.1:{} -> {} accepts again", port, target);
  }

  private void accept(ServerSocket server) {
    daemon(() -> {
      while (!server.isClosed()) {
        try {
          var client = server.accept();
          var upstream = new Socket();
          try {
            upstream.connect(target, 5_000);
          } catch (IOException e) {
            closeQuietly(client);
            continue;
          }
          open.add(client);
          open.add(upstream);
          pump(client, upstream, false);
          pump(upstream, client, true);
        } catch (IOException e) {
          // the listening socket was closed: an outage or the end
        }
      }
    }, "proxy-accept-" + port).start();
  }

  /** Copies one direction ({@code answers}: from the server); either side ending ends both. */
  private void pump(Socket from, Socket to, boolean answers) {
    daemon(() -> {
      var buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (answers && answersToLose.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            log.warn("Proxy 127.0.0.1:{} -> {} loses an answer", port, target);
            break;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // a cut or a peer going away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "proxy-pump-" + port).start();
  }

  @Override
  public synchronized void close() {
    closed = true;
    reopen.shutdownNow();
    closeQuietly(listening);
    for (var socket : open) closeQuietly(socket);
  }

  private static ServerSocket bind(int port) {
    try {
      var server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  private static Thread daemon(Runnable body, String name) {
    var thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      // an abortive close: the peer sees the connection reset at once, not a polite goodbye
      if (c instanceof Socket s && !s.isClosed()) s.setSoLinger(true, 0);
      c.close();
    } catch (SocketException e) {
      // already closed
    } catch (IOException e) {
      // closing anyway
    }
  }
}
