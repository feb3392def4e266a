package io.glasswatch.benchmarks;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;

/**
 * Prototype of a proposal (not used by Glasswatch): Apicurio's {@link DefaultAvroDatumProvider} caches
 * its datum readers and writers by the schema's parsing fingerprint, which it computes
 * ({@code SchemaNormalization.parsingFingerprint64}, a walk over the whole schema) on every record
 * serialized and deserialized. This provider keeps them by the {@link Schema} instance (a generated
 * class's schema, or the registry client's cached schema of a global id), so each record costs a hash
 * lookup. Selected with {@code apicurio.registry.avro-datum-provider}; see {@link PrototypeSerdes}.
 *
 * @param <T> record type
 */
public class CachingAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {
  private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
  private final Map<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();

  /** The provider Apicurio instantiates by class name (specific reader as configured). */
  public CachingAvroDatumProvider() {
    super();
  }

  @Override
  public DatumWriter<T> createDatumWriter(T data, Schema schema) {
    DatumWriter<T> w = writers.get(schema);
    if (w == null) {
      w = super.createDatumWriter(data, schema);
      writers.put(schema, w);
    }
    return w;
  }

  @Override
  public DatumReader<T> createDatumReader(Schema schema) {
    DatumReader<T> r = readers.get(schema);
    if (r == null) {
      r = super.createDatumReader(schema);
      readers.put(schema, r);
    }
    return r;
  }
}
