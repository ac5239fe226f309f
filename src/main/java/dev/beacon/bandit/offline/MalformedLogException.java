package dev.beacon.bandit.offline;

import java.io.IOException;

/** A file was read but is not a logged-bandit (or item context) file; the message names the file, line and column. */
public final class MalformedLogException extends IOException {
  MalformedLogException(String message) {
    super(message);
  }
}
