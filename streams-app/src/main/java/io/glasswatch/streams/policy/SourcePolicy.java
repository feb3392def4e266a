package io.glasswatch.streams.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The approval settings of one break-glass system whose own records Glasswatch reads (SPEC 1.4, 1.5),
 * policy keys {@code sources.<authz-gateway|jit-controller>.{approvalQuorum, approvers, approverAcr}}.
 * A field left null is not set here (the layer below, or the built-in default, applies).
 *
 * @param approvalQuorum distinct approvers, none the subject, a request of this source needs (at least 1)
 * @param approvers approver id (as the source names approvers: gateway {@code actor}, JIT {@code actor_email})
 *     to roles; merged over the top-level {@code approvers} roster for this source's requests
 * @param approverAcr assurance of an approval whose record asserts none (lower case, e.g. {@code loa2})
 */
public record SourcePolicy(Integer approvalQuorum, Map<String, List<String>> approvers, String approverAcr) {
  /** The AuthZ gateway ({@code GatewayEvent.source}). */
  public static final String AUTHZ_GATEWAY = "authz-gateway";
  /** The JIT controller ({@code GatewayEvent.source}). */
  public static final String JIT_CONTROLLER = "jit-controller";
  /** The sources a policy may configure, in file order. */
  public static final List<String> NAMES = List.of(AUTHZ_GATEWAY, JIT_CONTROLLER);
  /** The fields of one source's settings, in file order. */
  static final List<String> FIELDS = List.of("approvalQuorum", "approvers", "approverAcr");

  /** Copies the roster (null stays null). */
  public SourcePolicy {
    approvers = approvers == null ? null : Map.copyOf(approvers);
  }

  /**
   * Built-in defaults (SPEC 1.5): quorum 1 for both sources, which have one approver per request;
   * assurance {@code loa2} for both: the gateway refuses approvers below {@code loa2} (SPEC 1.4), and the
   * JIT controller accepts {@code /jit approve} only from the approvers its deployment configures, in an
   * authenticated Mattermost session. A policy that does not trust that sets
   * {@code sources.jit-controller.approverAcr: loa1}.
   */
  static Map<String, SourcePolicy> defaults() {
    Map<String, SourcePolicy> m = new LinkedHashMap<>();
    m.put(AUTHZ_GATEWAY, new SourcePolicy(1, Map.of(), "loa2"));
    m.put(JIT_CONTROLLER, new SourcePolicy(1, Map.of(), "loa2"));
    return m;
  }

  /** This policy with every field {@code over} sets replacing this one's. */
  SourcePolicy with(SourcePolicy over) {
    if (over == null) {
      return this;
    }
    return new SourcePolicy(over.approvalQuorum != null ? over.approvalQuorum : approvalQuorum,
        over.approvers != null ? over.approvers : approvers, over.approverAcr != null ? over.approverAcr : approverAcr);
  }

  /** Whether {@code name} is a source this policy knows. */
  static boolean known(String name) {
    return Set.copyOf(NAMES).contains(name);
  }
}
