package io.glasswatch.producers.normalize.sources;

/**
 * A record of a known break-glass system that cannot be fully read: the format it looked like, the
 * field to blame and why. The message reads {@code <format>: `<field>` <problem>}, e.g.
 * {@code AuthZ gateway event: `ts` is not a timestamp}. Messages never quote secrets.
 */
public final class BadField extends Exception {
  private static final long serialVersionUID = 1L;
  private final String format;
  private final String field;

  /**
   * A bad field.
   *
   * @param format the format the record looked like, e.g. {@code JIT controller jit_audit item}
   * @param field the field to blame (dotted when nested), or null when no single field is at fault
   * @param problem what is wrong, e.g. {@code is not a timestamp: "yesterday"}
   */
  public BadField(String format, String field, String problem) {
    super(format + ": " + (field == null ? "" : "`" + field + "` ") + problem, null, false, false);
    this.format = format;
    this.field = field;
  }

  /** The format the record looked like. */
  public String format() {
    return format;
  }

  /** The field to blame, or null. */
  public String field() {
    return field;
  }
}
