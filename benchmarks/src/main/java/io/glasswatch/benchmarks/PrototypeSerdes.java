package io.glasswatch.benchmarks;

import io.apicurio.registry.serde.avro.AvroSerde;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.glasswatch.schema.AvroSerdes;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * {@link AvroSerdes#registry(String)} with one change, to measure a proposal with
 * {@code --prototype datum-cache}: the Apicurio serdes use {@link CachingAvroDatumProvider}.
 */
final class PrototypeSerdes {
  private PrototypeSerdes() {}

  /** Registry serdes whose datum readers and writers are cached by schema instance. */
  static AvroSerdes registryWithDatumCache(String registryUrl) {
    return new AvroSerdes() {
      @Override
      public <T extends SpecificRecord> Serde<T> serde(Class<T> type, boolean isKey) {
        Map<String, Object> config = new HashMap<>();
        config.put(REGISTRY_URL, registryUrl);
        config.put(AUTO_REGISTER, true);
        config.put(USE_SPECIFIC_READER, true);
        config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, CachingAvroDatumProvider.class.getName());
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(config, isKey);
        return serde;
      }
    };
  }
}
