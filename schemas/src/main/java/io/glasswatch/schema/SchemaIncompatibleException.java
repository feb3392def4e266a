package io.glasswatch.schema;

/** The registry refused a schema because it breaks the artifact's compatibility rule. */
public final class SchemaIncompatibleException extends RuntimeException {
  private final String artifactId;

  /**
   * @param artifactId registry artifact, e.g. {@code alerts-value}
   * @param detail the registry's explanation
   */
  public SchemaIncompatibleException(String artifactId, String detail) {
    super("schema registry refused an incompatible change to " + artifactId + ": " + detail);
    this.artifactId = artifactId;
  }

  /** The artifact whose new version was refused. */
  public String artifactId() {
    return artifactId;
  }
}
