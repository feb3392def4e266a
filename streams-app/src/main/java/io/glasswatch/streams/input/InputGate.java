package io.glasswatch.streams.input;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * First processor after every input source. Rule: a clock tick (null value, header
 * {@code glasswatch.clock-tick: true}) has already advanced stream time and is dropped here; a null
 * value without that header, a value whose event time is before 1970 (which Kafka cannot carry as a
 * record timestamp; {@link EventTimeExtractor} stamps it with the partition time so that it reaches
 * this gate instead of being dropped) or at or after the end-of-input tick's time
 * ({@code Topics.END_OF_INPUT_TIME}, stamped the same way, so that it cannot end the input), or a value its {@link Validator} rejects, raises
 * {@link InvalidInputException} so that the processing exception handler sends the raw record to the
 * dead-letter topic; every other record is forwarded unchanged.
 *
 * @param <V> value type of the input topic
 */
public final class InputGate<V> implements FixedKeyProcessor<String, V, V> {

  /** Checks one deserialized input value. */
  @FunctionalInterface
  public interface Validator<V> {
    /**
     * @param key record key (may be null)
     * @param value deserialized value, never null
     * @throws InvalidInputException naming what is wrong
     */
    void validate(String key, V value);
  }

  private final Validator<V> validator;
  private FixedKeyProcessorContext<String, V> context;

  private InputGate(Validator<V> validator) {
    this.validator = validator;
  }

  /** A supplier of gates that apply {@code validator}. */
  public static <V> FixedKeyProcessorSupplier<String, V, V> supplier(Validator<V> validator) {
    return () -> new InputGate<>(validator);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    if (record.value() == null) {
      if (ClockTick.isTick(record.headers())) {
        return;
      }
      throw new InvalidInputException("null value without the " + ClockTick.HEADER + " header");
    }
    java.time.Instant t = EventTimeExtractor.eventTime(record.value());
    if (t != null && t.isBefore(java.time.Instant.EPOCH)) {
      throw new InvalidInputException("event time " + t + " is before 1970-01-01T00:00:00Z: it cannot be a Kafka"
          + " record timestamp");
    }
    if (t != null && t.toEpochMilli() >= io.glasswatch.schema.Topics.END_OF_INPUT_TIME) {
      throw new InvalidInputException("event time " + t + " is at or after the end-of-input tick's time "
          + java.time.Instant.ofEpochMilli(io.glasswatch.schema.Topics.END_OF_INPUT_TIME) + ": it cannot be an input's");
    }
    validator.validate(record.key(), record.value());
    context.forward(record);
  }
}
