package io.glasswatch.streams.correlation;

import io.glasswatch.schema.GatewayEvent;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Stage A's reading of the gateway topic: a gateway event becomes {@link RequestInput.Gateway}, a progress
 * mark (null value, progress headers, see {@link io.glasswatch.kafka.ProgressMarks}) becomes
 * {@link RequestInput.Progress} with the partition it was read from. A mark whose headers do not parse, or
 * whose record has no partition, was stopped by the input gate already and cannot reach here; if
 * one does, it is dropped as the tick it also is.
 */
public final class GatewayInput implements FixedKeyProcessor<String, GatewayEvent, RequestInput> {
  private FixedKeyProcessorContext<String, RequestInput> context;

  @Override
  public void init(FixedKeyProcessorContext<String, RequestInput> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, GatewayEvent> record) {
    if (record.value() != null) {
      context.forward(record.withValue(new RequestInput.Gateway(record.value())));
      return;
    }
    int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
    io.glasswatch.kafka.ProgressMarks.read(record.headers(), partition, record.timestamp())
        .ifPresent(m -> context.forward(record.withValue(new RequestInput.Progress(
            new SourceProgress(m.source(), m.time(), m.partition(), m.partitions())))));
  }
}
