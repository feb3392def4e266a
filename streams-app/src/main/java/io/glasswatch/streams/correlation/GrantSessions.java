package io.glasswatch.streams.correlation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.streams.attribution.IdentityCenterNames;
import io.glasswatch.streams.attribution.SessionFacts;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.state.JsonSerde;
import io.glasswatch.streams.timeline.TimelineDraft;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage B's attribution of AWS sessions to grants (SPEC 1.6): which CloudTrail records belong to a grant's
 * session, filed in the request's timeline instead of {@code account:<id>}, and the facts the session rules
 * judge ({@link AccountRule#onSessionCall}, {@link AccountRule#onEmergencyAssume}).
 *
 * <p>Rules of attribution:
 * <ul>
 *   <li>IAM Identity Center grant (an assignment of a USER): its sessions are those of a role named
 *       {@code AWSReservedSSO_<permission set name>_<suffix>} in the grant's account whose role session name is
 *       the user's user name (case-insensitive), made from {@code grantedAt - skew} on; of several such grants
 *       the latest granted before the call wins. Names come from the grant's assignment
 *       ({@code permissionSetName}, {@code principalName}), else the policy's {@code identityCenterNames}, else
 *       the {@link IdentityCenterNames} look-up (live only). A grant whose names stay unknown is not
 *       watched: its sessions stay with the account. The {@code AssumeRoleWithSAML}
 *       into such a role is the session's first record; its response's access key id is remembered.
 *   <li>Emergency role ({@code emergencyRoles}): a successful {@code AssumeRole} of one opens a session keyed by
 *       the access key id of its response's credentials; it belongs to the approved grant on the account of
 *       the same subject ({@code sourceIdentity}, else the role session name; case-insensitive) whose window
 *       {@code [grantedAt - skew, end + skew]} holds the call, also when that grant arrives within the decision
 *       delay. The session's later calls carry that access key id.
 * </ul>
 *
 * <p>Cost: a record of long-term credentials or of no identity is rejected by its identity type alone; a
 * record of temporary credentials costs one look-up in a per-task in-memory map of the accounts that have
 * watched grants or sessions (loaded from {@value #STORE} when the task starts, written through), and only a
 * record of a watched account is matched further. The account's state is read only for a record that
 * belongs to a grant or opens an emergency session.
 *
 * <p>State ({@value #STORE}, JSON {@link Book} per account): watched grants until their end plus
 * {@link #MAX_SESSION} plus {@code skew} (or {@code stateRetention} after the grant when it has no end), and
 * sessions until the later of their credentials' expiry and their opening plus {@link #MAX_SESSION}, plus
 * {@code skew}; purged with the de-duplication keys.
 */
final class GrantSessions {
  /** Store of the watched grants and known sessions per account. */
  static final String STORE = "grant-sessions";
  /** The longest role session AWS issues (an IAM Identity Center permission set's session duration is 1–12 h). */
  static final Duration MAX_SESSION = Duration.ofHours(12);

  /** The watched grants and known sessions of one account (JSON). */
  static final class Book {
    /** Watched IAM Identity Center grants by request id. */
    TreeMap<String, Watch> watches = new TreeMap<>();
    /** Known sessions by access key id. */
    TreeMap<String, Session> sessions = new TreeMap<>();

    boolean isEmpty() {
      return watches.isEmpty() && sessions.isEmpty();
    }
  }

  /** One watched grant: {@code rolePrefix} {@code AWSReservedSSO_<permission set name>_}, {@code sessionName} the user name. */
  static final class Watch {
    String requestId;
    String rolePrefix;
    String sessionName;
    long grantedAt;
    long until;
  }

  /** One session: {@code requestId} null for an emergency session no request covered. */
  static final class Session {
    String requestId;
    String kind;
    String roleName;
    String sessionName;
    String openedBy;
    long openedAt;
    Long expiresAt;
    long until;
  }

  private final Policy policy;
  private final IdentityCenterNames names;
  private final KeyValueStore<String, Book> store;
  private final Map<String, Book> books = new HashMap<>();
  private final AccountEffects out;
  private final ExpirySweep sweep;
  private final Function<String, AccountState> load;
  private final BiConsumer<AccountState, AccountContext> settle;

  /**
   * @param load reads an account's state (null when none)
   * @param settle evaluates an account's deadlines after a session record and stores its state
   */
  GrantSessions(Policy policy, IdentityCenterNames names, KeyValueStore<String, Book> store, AccountEffects out,
      ExpirySweep sweep, Function<String, AccountState> load, BiConsumer<AccountState, AccountContext> settle) {
    this.policy = policy;
    this.names = names;
    this.store = store;
    this.out = out;
    this.sweep = sweep;
    this.load = load;
    this.settle = settle;
    try (KeyValueIterator<String, Book> it = store.all()) {
      it.forEachRemaining(kv -> books.put(kv.key, kv.value));
    }
  }

  /**
   * Files {@code e} if it belongs to a grant's session or opens an emergency-role session (class Javadoc).
   *
   * @param entryId the entry id to file it under (a conflicting duplicate's), or null for the usual one
   * @return whether it was filed here; false: the caller files it as before
   */
  boolean claim(String account, CloudTrailEvent e, String entryId) {
    if (!SessionFacts.mayBelongToSession(e)) {
      return false;
    }
    Book book = books.get(account);
    boolean opening = SessionFacts.isOpening(e);
    if (book == null && !opening) {
      return false;
    }
    SessionFacts f = SessionFacts.of(e);
    SessionFacts.Opened o = f.opened();
    if (o != null && "AssumeRole".equals(o.eventName()) && !o.failed()
        && policy.resolve(account, null).isEmergencyRole(o.roleArn())) {
      onEmergencyAssume(account, e, o, entryId);
      return true;
    }
    if (book == null) {
      return false;
    }
    long at = e.getEventTime().toEpochMilli();
    if (o != null && "AssumeRoleWithSAML".equals(o.eventName())) {
      Watch w = watchOf(book, o.roleName(), o.roleSessionName(), at);
      if (w == null) {
        return false;
      }
      String key = o.accessKeyId() != null ? o.accessKeyId() : o.roleName() + "/" + o.roleSessionName();
      if (o.accessKeyId() != null && !o.failed()) {
        Session s = new Session();
        s.requestId = w.requestId;
        s.kind = "identity-center";
        s.roleName = o.roleName();
        s.sessionName = o.roleSessionName();
        s.openedBy = e.getEventID();
        s.openedAt = at;
        s.expiresAt = o.expiresAt();
        s.until = Math.max(o.expiresAt() == null ? 0 : o.expiresAt(), at + MAX_SESSION.toMillis())
            + policy.resolve(account, null).skew().toMillis();
        book.sessions.put(o.accessKeyId(), s);
        save(account, book);
      }
      return file(account, e, w.requestId, key, o.roleName(), o.roleSessionName(), true, entryId);
    }
    Session known = f.accessKeyId() == null ? null : book.sessions.get(f.accessKeyId());
    if (known != null) {
      return known.requestId != null
          && file(account, e, known.requestId, f.accessKeyId(), known.roleName, known.sessionName, false, entryId);
    }
    Watch w = watchOf(book, f.roleName(), f.sessionName(), at);
    if (w == null) {
      return false;
    }
    String key = f.accessKeyId() != null ? f.accessKeyId() : f.roleName() + "/" + f.sessionName();
    return file(account, e, w.requestId, key, f.roleName(), f.sessionName(), false, entryId);
  }

  /** The watched grant whose role and user name {@code role}/{@code session} are, granted latest before {@code at}. */
  private Watch watchOf(Book book, String role, String session, long at) {
    if (role == null || session == null || !role.startsWith(SessionFacts.SSO_ROLE_PREFIX)) {
      return null;
    }
    Watch best = null;
    for (Watch w : book.watches.values()) {
      if (w.rolePrefix != null && role.startsWith(w.rolePrefix) && session.equalsIgnoreCase(w.sessionName)
          && w.grantedAt - policy.skew().toMillis() <= at && (best == null || w.grantedAt > best.grantedAt)) {
        best = w;
      }
    }
    return best;
  }

  /** Files a record of request {@code requestId}'s session and lets the rules judge it; false when the grant is gone. */
  private boolean file(String account, CloudTrailEvent e, String requestId, String key, String role, String session,
      boolean opening, String entryId) {
    AccountState s = load.apply(account);
    AccountState.GrantView g = s == null ? null : s.grants.get(requestId);
    if (g == null) {
      return false;
    }
    AccountContext ctx = out.contextOf(s);
    long at = e.getEventTime().toEpochMilli();
    Long end = g.end();
    Policy pol = out.policyOf(s, g);
    boolean after = end != null && at > end + pol.skew().toMillis();
    String kmsKey = SessionFacts.kmsKey(e);
    out.emitTimeline(draft(e, account, requestId, key, role, session, kmsKey, end, after, entryId), requestId,
        requestId, at);
    AccountRules.onSessionCall(s, new SessionCall(e.getEventID(), at, e.getEventSource(), e.getEventName(), key, role,
        session, opening, e.getErrorCode() != null, kmsKey), g, ctx);
    if (opening && after && e.getErrorCode() == null && g.assignmentSeenEventId == null
        && g.fact.assignment() != null) {
      g.assignmentSeenEventId = e.getEventID();
      sweep.assignmentStillPresent(s, g, e.getEventID(), at, ctx.now(), out);
    }
    settle.accept(s, ctx);
    return true;
  }

  /** An {@code AssumeRole} of an emergency role: judged, its session remembered, filed where it belongs. */
  private void onEmergencyAssume(String account, CloudTrailEvent e, SessionFacts.Opened o, String entryId) {
    AccountState s = load.apply(account);
    if (s == null) {
      s = new AccountState(account);
    }
    AccountContext ctx = out.contextOf(s);
    long at = e.getEventTime().toEpochMilli();
    AccountState.EmergencyAssume a = new AccountState.EmergencyAssume();
    a.eventId = e.getEventID();
    a.at = at;
    a.roleArn = o.roleArn();
    a.subject = o.subject();
    a.sessionName = o.roleSessionName();
    a.sourceIdentity = o.sourceIdentity();
    a.durationSeconds = o.durationSeconds();
    a.accessKeyId = o.accessKeyId();
    a.expiresAt = o.expiresAt();
    AccountState.GrantView g = covering(s, a);
    a.coveredBy = g == null ? null : g.fact.requestId();
    s.emergencyAssumes.put(a.eventId, a);
    String key = a.accessKeyId != null ? a.accessKeyId : o.roleName() + "/" + a.sessionName;
    if (a.accessKeyId != null) {
      Book book = books.computeIfAbsent(account, k -> new Book());
      Session session = new Session();
      session.requestId = a.coveredBy;
      session.kind = "emergency-role";
      session.roleName = o.roleName();
      session.sessionName = a.sessionName;
      session.openedBy = a.eventId;
      session.openedAt = at;
      session.expiresAt = a.expiresAt;
      session.until = Math.max(a.expiresAt == null ? 0 : a.expiresAt, at + MAX_SESSION.toMillis())
          + out.accountPolicy(s).skew().toMillis();
      book.sessions.put(a.accessKeyId, session);
      save(account, book);
    }
    String correlation = g == null ? s.correlation() : g.fact.requestId();
    TimelineDraft d = draft(e, account, a.coveredBy, key, o.roleName(), a.sessionName, null,
        g == null ? null : g.end(), false, entryId);
    out.emitTimeline(d, correlation, a.coveredBy, at);
    AccountRules.onEmergencyAssume(s, a, ctx);
    if (g != null) {
      AccountRules.onSessionCall(s, new SessionCall(a.eventId, at, e.getEventSource(), e.getEventName(), key,
          o.roleName(), a.sessionName, true, false, null), g, ctx);
    }
    settle.accept(s, ctx);
  }

  /**
   * Whether grant {@code v} covers the emergency-role assumption {@code a} (SPEC 1.6): approved, of the same
   * subject ({@code sourceIdentity}, else the role session name; trimmed, case-insensitive), its window
   * {@code [grantedAt - skew, end + skew]} holding the call.
   */
  static boolean covers(AccountState.GrantView v, AccountState.EmergencyAssume a, long skew) {
    return a.subject != null && v.fact.subject() != null && a.subject.strip().equalsIgnoreCase(v.fact.subject().strip())
        && v.covers(a.at, skew);
  }

  /** The earliest granted grant of the account covering {@code a}, or null. */
  private AccountState.GrantView covering(AccountState s, AccountState.EmergencyAssume a) {
    AccountState.GrantView best = null;
    for (AccountState.GrantView v : s.grants.values()) {
      if (covers(v, a, out.policyOf(s, v).skew().toMillis())
          && (best == null || v.fact.grantedAt() < best.fact.grantedAt())) {
        best = v;
      }
    }
    return best;
  }

  /**
   * A grant fact arrived (new or changed): the grant is watched under its IAM Identity Center names, and an
   * emergency-role session still waiting for its decision that this grant covers is attributed to it.
   *
   * @return whether {@code s} changed
   */
  boolean onGrant(AccountState s, AccountState.GrantView v) {
    Book book = books.get(s.accountId);
    boolean bookChanged = false;
    Policy pol = out.policyOf(s, v);
    Assignment as = v.fact.assignment();
    String requestId = v.fact.requestId();
    if (as != null && "USER".equalsIgnoreCase(as.principalType())) {
      String ps = firstOf(as.permissionSetName(), pol.identityCenterName(as.permissionSetArn()),
          () -> names.permissionSetName(as.instanceArn(), as.permissionSetArn()));
      String user = firstOf(as.principalName(), pol.identityCenterName(as.principalId()),
          () -> names.userName(as.instanceArn(), as.principalId()));
      Watch w = book == null ? null : book.watches.get(requestId);
      // names unknown: the grant's sessions cannot be told from others and stay with the account
      if (w != null || ps != null && user != null) {
        if (book == null) {
          book = new Book();
        }
        if (w == null) {
          w = new Watch();
          w.requestId = requestId;
          book.watches.put(requestId, w);
        }
        if (ps != null && user != null) {
          w.rolePrefix = SessionFacts.SSO_ROLE_PREFIX + ps + "_";
          w.sessionName = user;
        }
        Long end = v.end();
        w.grantedAt = v.fact.grantedAt();
        w.until = (end != null ? end + MAX_SESSION.toMillis() : v.fact.grantedAt() + pol.stateRetention().toMillis())
            + pol.skew().toMillis();
        bookChanged = true;
      }
    }
    boolean stateChanged = false;
    for (AccountState.EmergencyAssume a : s.emergencyAssumes.values()) {
      if (a.decided || a.coveredBy != null || !covers(v, a, pol.skew().toMillis())) {
        continue;
      }
      a.coveredBy = requestId;
      stateChanged = true;
      Session session = a.accessKeyId == null || book == null ? null : book.sessions.get(a.accessKeyId);
      if (session != null) {
        session.requestId = requestId;
        bookChanged = true;
      }
    }
    if (bookChanged) {
      save(s.accountId, book);
    }
    return stateChanged;
  }

  /** Drops watches and sessions past their time (every account of the task). */
  void purge(long now) {
    for (Map.Entry<String, Book> e : new TreeMap<>(books).entrySet()) {
      Book b = e.getValue();
      boolean changed = b.watches.values().removeIf(w -> w.until < now);
      changed |= b.sessions.values().removeIf(x -> x.until < now);
      if (changed) {
        save(e.getKey(), b);
      }
    }
  }

  private void save(String account, Book book) {
    if (book.isEmpty()) {
      books.remove(account);
      store.delete(account);
    } else {
      books.put(account, book);
      store.put(account, book);
    }
  }

  private static String firstOf(String given, String table, java.util.function.Supplier<String> lookup) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    return table != null ? table : lookup.get();
  }

  /**
   * The timeline entry of a session record: the CloudTrail entry ({@link TimelineDrafts#cloudTrail}) whose
   * details add {@code grantSession} (request, session key, role, session name), {@code kmsKey}, and, when the
   * record came after the grant ended, {@code afterGrantEnd} and {@code grantEndedAt}.
   */
  static TimelineDraft draft(CloudTrailEvent e, String account, String requestId, String key, String role,
      String session, String kmsKey, Long end, boolean after, String entryId) {
    TimelineDraft base = TimelineDrafts.cloudTrail(e, account, false, false);
    ObjectNode details;
    try {
      details = base.details() == null ? JsonSerde.mapper().createObjectNode()
          : (ObjectNode) JsonSerde.mapper().readTree(base.details());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    ObjectNode gs = details.putObject("grantSession");
    if (requestId != null) {
      gs.put("requestId", requestId);
    }
    gs.put("session", key);
    if (role != null) {
      gs.put("role", role);
    }
    if (session != null) {
      gs.put("sessionName", session);
    }
    if (kmsKey != null) {
      details.put("kmsKey", kmsKey);
    }
    if (e.getSourceIdentity() != null) {
      details.put("sourceIdentity", e.getSourceIdentity());
    }
    StringBuilder msg = new StringBuilder(base.message());
    if (kmsKey != null) {
      msg.append("; KMS key ").append(kmsKey);
    }
    if (requestId != null) {
      msg.append("; session ").append(role == null ? "" : role + "/").append(session == null ? "" : session)
          .append(" of request ").append(requestId);
    } else {
      msg.append("; emergency-role session covered by no request");
    }
    if (after) {
      details.put("afterGrantEnd", true);
      details.put("grantEndedAt", Instant.ofEpochMilli(end).toString());
      msg.append(", after the grant ended at ").append(Instant.ofEpochMilli(end));
    }
    TimelineDraft d = new TimelineDraft(base.entryId(), base.timestamp(), base.accountId(), base.source(), base.kind(),
        base.action(), base.outcome(), base.userName(), base.sourceIp(), base.userAgent(), msg.toString(),
        base.eventId(), base.alertId(), base.alertType(), base.severity(), base.tokenFingerprint(), details.toString());
    return entryId == null ? d : d.withEntryId(entryId);
  }
}
