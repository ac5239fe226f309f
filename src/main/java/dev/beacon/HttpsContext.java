package dev.beacon;

import dev.beacon.common.StartupFailure;
import dev.beacon.common.TlsSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * The HTTPS context of the API, from the keystore of {@code beacon.http.tls}; none without one
 * (plain HTTP). Read before anything else starts: a keystore that is missing, unreadable, under
 * another password, of another type or without a private key stops the start with one line that
 * names it and the variable to change, rather than failing every client's handshake later.
 */
final class HttpsContext {
  private static final String KEYSTORE = "BEACON_HTTP_TLS_KEYSTORE";

  private HttpsContext() {}

  static Optional<HttpsConnectionContext> from(TlsSettings tls) {
    if (!tls.enabled()) return Optional.empty();
    var file = Path.of(tls.keystore()).toAbsolutePath();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StartupFailure("HTTPS keystore " + file + " (" + KEYSTORE + ") cannot be read: " + fileReason(e), e);
    }
    try {
      var password = tls.keystorePassword().toCharArray();
      var store = KeyStore.getInstance(tls.keystoreType());
      store.load(new ByteArrayInputStream(bytes), password);
      if (!holdsPrivateKey(store)) throw new KeyStoreException("it holds no private key, only certificates");
      var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      var context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return Optional.of(ConnectionContext.httpsServer(context));
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupFailure("HTTPS keystore " + file + " (" + KEYSTORE + ") cannot be used: "
          + keystoreReason(e, tls.keystoreType()), e);
    }
  }

  private static boolean holdsPrivateKey(KeyStore store) throws KeyStoreException {
    for (var alias : Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias)) return true;
    }
    return false;
  }

  private static String fileReason(IOException e) {
    if (e instanceof NoSuchFileException) return "no such file";
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Why the bytes of a keystore could not be used: a wrong password, another format, no key. */
  private static String keystoreReason(Exception e, String type) {
    // PKCS12 says "keystore password was incorrect", with the decryption failure as its cause
    if (StartupFailure.cause(e, UnrecoverableKeyException.class).isPresent()) {
      return "wrong password (BEACON_HTTP_TLS_KEYSTORE_PASSWORD)";
    }
    if (e instanceof KeyStoreException && e.getCause() instanceof NoSuchAlgorithmException) {
      return "this Java knows no keystore type " + type + " (BEACON_HTTP_TLS_KEYSTORE_TYPE)";
    }
    var message = e.getMessage() == null ? e.toString() : e.getMessage();
    var firstLine = message.lines().findFirst().orElse(message).strip();
    // the parser's complaint about bytes that are not a keystore of this type
    if (e instanceof IOException) return "not a " + type + " keystore (" + firstLine + ")";
    return firstLine;
  }
}
