package io.glasswatch.cli;

import io.glasswatch.producers.normalize.sources.SourceSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The AuthZ gateway's audit HMAC key read from a file ({@code --gateway-audit-key-file}): the file's
 * bytes are the key, exactly as the gateway uses its {@code AUDIT_HMAC_KEY} (the UTF-8 bytes of the
 * string), less one trailing line end ({@code \n} or {@code \r\n}) that editors and {@code echo} add.
 * Nothing else is trimmed: a key that begins or ends with a space keeps it.
 *
 * <p>The key is a secret: no message of this class contains it or any part of it, only the file's
 * path and what is wrong with it.
 */
final class GatewayAuditKeyFile {
  /** Larger files are not a key (the gateway's key is an environment variable's value). */
  static final int MAX_BYTES = 64 * 1024;

  private GatewayAuditKeyFile() {}

  /**
   * {@code sources} with its audit secret replaced by the key in {@code file}; {@code sources}
   * unchanged when {@code file} is null.
   *
   * @throws IllegalArgumentException when the file cannot be read, is empty (after the line end) or
   *     is larger than {@value #MAX_BYTES} bytes; the message names the file, never the key
   */
  static SourceSettings apply(SourceSettings sources, Path file) {
    if (file == null) {
      return sources;
    }
    return new SourceSettings(read(file), sources.approverAcr(), sources.jitInstanceArn(),
        sources.jitPermissionSetArn(), sources.jitMaxDuration(), sources.jitWebhookSecrets());
  }

  /**
   * The key bytes of {@code file}.
   *
   * @throws IllegalArgumentException as {@link #apply}
   */
  static byte[] read(Path file) {
    String what = "--gateway-audit-key-file " + file + ": ";
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException(what + "is a directory");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(what + "larger than " + MAX_BYTES + " bytes, not a key");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : "cannot be read"));
    }
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') {
      end--;
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
      }
    }
    if (end == 0) {
      throw new IllegalArgumentException(what + "is empty");
    }
    byte[] key = Arrays.copyOf(bytes, end);
    Arrays.fill(bytes, (byte) 0);
    return key;
  }
}
