package io.glasswatch.schema;

import io.apicurio.registry.serde.avro.AvroSerde;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Makes the value serdes of Glasswatch's Avro topics.
 *
 * <p>Two kinds exist, both producing and reading the records of this module:
 *
 * <ul>
 *   <li>{@link #registry(String)}: the production serde, Apicurio Registry's {@code AvroSerde}.
 *       Schemas are looked up (and, unless disabled, registered) under the artifact
 *       {@code <topic>-value} of group {@code default}; the record carries the registry's global id.
 *   <li>{@link #embedded()}: plain Avro binary with the writer schema taken from the record class;
 *       no registry. Used by {@code glasswatch replay} and topology tests, where records never leave
 *       the process.
 * </ul>
 */
public interface AvroSerdes {

  /**
   * A serde for values of type {@code type}.
   *
   * @param type generated Avro record class, e.g. {@code Alert.class}
   * @param isKey whether the serde is for record keys (Glasswatch keys are strings, so normally false)
   */
  <T extends SpecificRecord> Serde<T> serde(Class<T> type, boolean isKey);

  /** A value serde for {@code type}. */
  default <T extends SpecificRecord> Serde<T> value(Class<T> type) {
    return serde(type, false);
  }

  /** The key serde of every Glasswatch topic: UTF-8 strings. */
  default Serde<String> key() {
    return Serdes.String();
  }

  /** Apicurio Registry configuration key: registry URL, e.g. http://127.0.0.1:8081/apis/registry/v3. */
  String REGISTRY_URL = "apicurio.registry.url";
  /** Apicurio Registry configuration key: register a schema on first write when absent. */
  String AUTO_REGISTER = "apicurio.registry.auto-register";
  /** Apicurio Registry configuration key: deserialize into generated classes. */
  String USE_SPECIFIC_READER = "apicurio.registry.use-specific-avro-reader";

  /**
   * Serdes backed by Apicurio Registry.
   *
   * @param registryUrl the registry's v3 API base, e.g. {@code http://127.0.0.1:8081/apis/registry/v3}
   */
  static AvroSerdes registry(String registryUrl) {
    return registry(registryUrl, true);
  }

  /**
   * Serdes backed by Apicurio Registry.
   *
   * @param registryUrl the registry's v3 API base
   * @param autoRegister register the writer schema when the artifact has none (the registry's
   *     compatibility rule still applies)
   */
  static AvroSerdes registry(String registryUrl, boolean autoRegister) {
    return new AvroSerdes() {
      @Override
      public <T extends SpecificRecord> Serde<T> serde(Class<T> type, boolean isKey) {
        Map<String, Object> config = new HashMap<>();
        config.put(REGISTRY_URL, registryUrl);
        config.put(AUTO_REGISTER, autoRegister);
        config.put(USE_SPECIFIC_READER, true);
        config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, InstanceCachingDatumProvider.class.getName());
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(config, isKey);
        return serde;
      }
    };
  }

  /** Serdes that write plain Avro binary with the class's own schema, for in-process use only. */
  static AvroSerdes embedded() {
    return new AvroSerdes() {
      @Override
      public <T extends SpecificRecord> Serde<T> serde(Class<T> type, boolean isKey) {
        Schema schema = SpecificData.get().getSchema(type);
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema);
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema);
        Serializer<T> ser = (topic, value) -> {
          if (value == null) {
            return null;
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream(256);
          BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
          try {
            writer.write(value, enc);
            enc.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return out.toByteArray();
        };
        Deserializer<T> de = (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, null);
            return reader.read(null, dec);
          } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                "cannot read " + type.getSimpleName() + " from topic " + topic + ": " + e.getMessage(), e);
          }
        };
        return Serdes.serdeFrom(ser, de);
      }
    };
  }
}
