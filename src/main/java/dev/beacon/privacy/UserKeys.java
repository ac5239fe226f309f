package dev.beacon.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key that stands for a user where Beacon must remember that it forgot them (an erasure's
 * events and tombstones) without keeping the user id: hex SHA-256 over the organisation and the
 * user. It names no one by itself; who already knows the id can recompute it, which is how an
 * entity recognises the user's events that were still on their way when the erasure came.
 */
public final class UserKeys {
  private UserKeys() {}

  public static String key(String organizationId, String userId) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest((organizationId + '\u001f' + userId).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
