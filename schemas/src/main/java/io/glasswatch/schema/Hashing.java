package io.glasswatch.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;

/**
 * SHA-256 helpers with one definition for the whole pipeline: token fingerprints, deterministic
 * ids, and the timeline hash chain.
 *
 * <p>Hash chain: {@code hash = hex(SHA-256(UTF-8(canonical JSON of the entry without "hash")))}, where
 * the canonical JSON is an object of every {@link TimelineEntry} field except {@code hash}, keys
 * sorted, nulls written as {@code null}, timestamps as epoch milliseconds, no whitespace. Because
 * {@code prevHash} and {@code sequence} are part of the hashed object, editing, removing or
 * reordering an entry breaks every later link.
 */
public final class Hashing {
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private Hashing() {}

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256Hex(byte[] bytes) {
    MessageDigest sha = SHA_256.get();
    sha.reset();
    return HEX.formatHex(sha.digest(bytes));
  }

  /**
   * Lower-case hex SHA-256 of the bytes {@code feed} writes into the digest (it gets this thread's
   * digest, reset, and calls {@code update}), for input hashed in parts without joining them first.
   */
  public static String sha256Hex(java.util.function.Consumer<MessageDigest> feed) {
    MessageDigest sha = SHA_256.get();
    sha.reset();
    feed.accept(sha);
    return HEX.formatHex(sha.digest());
  }

  private static final HexFormat HEX = HexFormat.of();

  /**
   * One SHA-256 digest per thread, reused: looking the algorithm up among the security providers for
   * every hash ({@code MessageDigest.getInstance}) costs more than hashing a timeline entry.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  });

  /** Fingerprint of a grant token: lower-case hex SHA-256 of its UTF-8 bytes. The token itself is never stored. */
  public static String tokenFingerprint(String tokenId) {
    return sha256Hex(tokenId);
  }

  /**
   * A deterministic id: the first 32 hex characters of SHA-256 over the parts joined by a unit
   * separator (U+001F), so ("a","bc") and ("ab","c") differ. Nulls count as empty strings.
   */
  public static String deterministicId(String... parts) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append('\u001f');
      }
      sb.append(parts[i] == null ? "" : parts[i]);
    }
    return sha256Hex(sb.toString()).substring(0, 32);
  }

  /** {@link #deterministicId(String...)} over a list. */
  public static String deterministicId(List<String> parts) {
    return deterministicId(parts.toArray(String[]::new));
  }

  /** {@link TimelineEntry} fields in canonical order: by name, {@code hash} left out. */
  private static final List<Schema.Field> CANONICAL_FIELDS = TimelineEntry.getClassSchema().getFields().stream()
      .filter(f -> !f.name().equals("hash")).sorted(java.util.Comparator.comparing(Schema.Field::name)).toList();

  /**
   * The canonical JSON of {@code entry} without its {@code hash} field (see class Javadoc): written
   * field by field in name order with Jackson's generator, the same text as Jackson writing a sorted
   * map of the fields.
   */
  public static String canonicalTimelineJson(TimelineEntry entry) {
    java.io.StringWriter out = new java.io.StringWriter(512);
    try (com.fasterxml.jackson.core.JsonGenerator g = CANONICAL.getFactory().createGenerator(out)) {
      g.writeStartObject();
      for (Schema.Field f : CANONICAL_FIELDS) {
        g.writeFieldName(f.name());
        Object v = entry.get(f.pos());
        if (v == null) {
          g.writeNull();
        } else if (v instanceof java.time.Instant i) {
          g.writeNumber(i.toEpochMilli());
        } else if (v instanceof Long l) {
          g.writeNumber(l);
        } else if (v instanceof CharSequence cs) {
          g.writeString(cs.toString());
        } else {
          throw new IllegalStateException("unexpected timeline field type " + v.getClass() + " of " + f.name());
        }
      }
      g.writeEndObject();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot write canonical timeline JSON", e);
    }
    return out.toString();
  }

  /** The chain hash of {@code entry} (its {@code prevHash} and {@code sequence} must already be set). */
  public static String timelineHash(TimelineEntry entry) {
    return sha256Hex(canonicalTimelineJson(entry));
  }
}
