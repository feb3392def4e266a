package io.glasswatch.schema;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;

/**
 * The Apicurio Registry Avro datum provider of {@link AvroSerdes#registry(String)}: readers and
 * writers cached by {@link Schema} instance.
 *
 * <p>Apicurio's {@link DefaultAvroDatumProvider} caches its datum readers and writers by the
 * schema's parsing fingerprint, which it computes ({@code SchemaNormalization.parsingFingerprint64},
 * a walk over the whole schema) for every record serialized and deserialized. The schemas it is
 * handed are stable instances: a generated class's {@code SCHEMA$} when writing, the registry
 * client's cached schema of a global id when reading. Keyed by instance, each record costs one hash
 * lookup (measured in {@code benchmarks/README.md}: about a fifth of the streams app's CPU per event).
 * A schema instance seen for the first time falls back to the default provider, so the behaviour is
 * the same. Selected through {@code apicurio.registry.avro-datum-provider}; thread-safe.
 *
 * @param <T> record type
 */
public class InstanceCachingDatumProvider<T> extends DefaultAvroDatumProvider<T> {
  private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
  private final Map<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();

  /** The provider Apicurio instantiates by class name (specific reader as configured). */
  public InstanceCachingDatumProvider() {
    super();
  }

  /** The writer for {@code schema}, created once per schema instance. */
  @Override
  public DatumWriter<T> createDatumWriter(T data, Schema schema) {
    DatumWriter<T> w = writers.get(schema);
    if (w == null) {
      w = super.createDatumWriter(data, schema);
      writers.put(schema, w);
    }
    return w;
  }

  /** The reader for {@code schema} (the writer's schema), created once per schema instance. */
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
