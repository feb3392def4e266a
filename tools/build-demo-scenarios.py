#!/usr/bin/env python3
"""Builds Glasswatch's bundled demo scenarios from the public evaluation corpus.

Usage: python3 tools/build-demo-scenarios.py [CORPUS_DIR] [OUT_DIR]
  CORPUS_DIR defaults to ../shared/corpus, OUT_DIR to cli/src/main/resources/scenarios.

CloudTrail records are copied verbatim from Apache-2.0 / MIT-0 rows of the corpus (see NOTICE), with
one change: published test fixtures reuse placeholder event ids ("1", "1111", a shared doc id) or
have none, while CloudTrail's eventID is unique per event and is Glasswatch's idempotency key. Such
ids are replaced by a name-based UUID of the source row, so every bundled event keeps its own
identity. Gateway events are written in the style of the break-glass runbooks.
"""
import json, os, sys, uuid

corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'corpus')
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), '..', 'cli', 'src', 'main', 'resources', 'scenarios')
NS = uuid.UUID('6f1c2f3e-5d2a-4c71-9a57-0b1a6c3e9d10')
seen_ids = set()

def rows(name):
    with open(os.path.join(corpus, name)) as f:
        for i, line in enumerate(f):
            yield i, json.loads(line)

def unique(event, source, index):
    """Gives a fixture record a unique eventID when its published one is missing or reused."""
    key = 'eventID' if 'eventID' in event or 'eventName' in event else 'eventid'
    eid = event.get(key)
    if not eid or eid in seen_ids or eid in ('1', '1111', 'redacted', '...'):
        event[key] = str(uuid.uuid5(NS, f'{source}#{index}'))
    seen_ids.add(event[key])
    return event

def write(name, lines):
    with open(os.path.join(out, name), 'w') as f:
        for obj in lines:
            f.write(json.dumps(obj, separators=(',', ':')) + '\n')
    print(f'{name}: {len(lines)} events')

def pick(name, pred):
    return [(i, r['event']) for i, r in rows(name) if isinstance(r['event'], dict) and pred(r)]

# 1. A compliant root break-glass: request, two approvals, grant, runbook declaration, root sign-in
#    with MFA, root credential rotation inside the window, expiry, declared rotation.
docs = 'aws-docs-samples.jsonl'
root_docs = {r['case'].split(']')[0] + ']': (i, r['event']) for i, r in rows(docs)
             if isinstance(r['event'], dict) and (r['event'].get('userIdentity') or {}).get('type') == 'Root'}
login_mfa = next((i, e) for i, e in root_docs.values() if e['eventName'] == 'ConsoleLogin'
                 and e['additionalEventData'].get('MFAUsed', '').upper() == 'YES')
enable_mfa = next((i, e) for i, e in root_docs.values() if e['eventName'] == 'EnableMFADevice')
pw = next((i, e) for i, e in root_docs.values() if e['eventName'] == 'PasswordUpdated')
acct1 = login_mfa[1]['recipientAccountId']
req1 = 'BG-20221110-0001'
s1 = [
    {"type": "request", "requestId": req1, "subject": "alice@example.com", "kind": "root",
     "justification": "IAM admin role deleted by a faulty Terraform apply; root needed to restore it",
     "ticketId": "INC-4312", "accountId": acct1, "requestedDurationSeconds": 2700,
     "timestamp": "2022-11-10T16:02:00Z"},
    {"type": "approval", "requestId": req1, "approver": "bob@example.com", "approverAcr": "loa3",
     "approverRole": "incident_command", "comment": "IC approves, bridge open", "timestamp": "2022-11-10T16:08:00Z"},
    {"type": "approval", "requestId": req1, "approver": "carol@example.com", "approverAcr": "loa2",
     "approverRole": "security", "timestamp": "2022-11-10T16:11:00Z"},
    {"type": "grant", "requestId": req1, "tokenId": "bgt_7c1e0f1d9a2b4c3d8e6f", "singleUse": True,
     "expiresAt": "2022-11-10T16:59:00Z", "timestamp": "2022-11-10T16:14:00Z"},
    {"timestamp": "2022-11-10T16:20:00Z", "actor_id": "alice@example.com", "actor_role": "break_glass_root",
     "action": "break_glass_root_login", "resource_type": "aws_account", "resource_id": acct1,
     "ip_address": login_mfa[1].get('sourceIPAddress'), "user_agent": login_mfa[1].get('userAgent'),
     "result": "success", "metadata": {"reason": "INC-4312 restore IAM admin role",
     "incident_channel": "#inc-4312", "expected_session_duration_minutes": 30, "requestId": req1}},
    unique(login_mfa[1], docs, login_mfa[0]),
    unique(enable_mfa[1], docs, enable_mfa[0]),
    unique(pw[1], docs, pw[0]),
    {"type": "expiry", "requestId": req1, "reason": "ttl_elapsed", "timestamp": "2022-11-10T16:59:00Z"},
    {"type": "rotation", "accountId": acct1, "credential": "root_password", "requestId": req1,
     "actor": "alice@example.com", "timestamp": "2022-11-10T17:05:00Z"},
]
write('01-compliant-root-break-glass.jsonl', s1)

# 2. The compromised-root sequence (victim and attacker), no break-glass request at all.
scen = 'panther-scenario-compromised-root.jsonl'
write('02-compromised-root.jsonl', [unique(e, scen, i) for i, e in pick(scen, lambda r: True)])

# 3. An approved root session whose credential rotation never comes.
pan = 'panther-cloudtrail.jsonl'
acts = pick(pan, lambda r: r['rule'].startswith('AWS.Root.Activity') and r['expected'] is True
            and r['event'].get('eventName') != 'ConsoleLogin')
acct3 = acts[0][1]['recipientAccountId']
req3 = 'BG-20181231-0007'
s3 = [
    {"type": "request", "requestId": req3, "subject": "dave@example.com", "kind": "root",
     "justification": "S3 bucket policy lock-out on the audit bucket; only root can reset it",
     "ticketId": "INC-2877", "accountId": acct3, "timestamp": "2018-12-31T23:40:00Z"},
    {"type": "approval", "requestId": req3, "approver": "bob@example.com", "approverAcr": "loa3",
     "approverRole": "incident_command", "timestamp": "2018-12-31T23:44:00Z"},
    {"type": "approval", "requestId": req3, "approver": "carol@example.com", "approverAcr": "loa2",
     "approverRole": "security", "timestamp": "2018-12-31T23:47:00Z"},
    {"type": "grant", "requestId": req3, "tokenId": "bgt_19f04c2a6be84d7e", "singleUse": True,
     "expiresAt": "2019-01-01T00:30:00Z", "timestamp": "2018-12-31T23:50:00Z"},
] + [unique(e, pan, i) for i, e in acts] + [
    {"type": "expiry", "requestId": req3, "reason": "ttl_elapsed", "timestamp": "2019-01-01T00:30:00Z"},
]
write('03-root-rotation-never-comes.jsonl', s3)

# 4. A JIT grant through IAM Identity Center whose single-use token is used twice, then after expiry.
req4 = 'JIT-20230314-0042'
inst = 'arn:aws:sso:::instance/ssoins-1111222233334444'
ps = 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-5555666677778888'
tok = 'jit_tok_3f9a8c71e2d44b0a'
use = lambda t: {"type": "usage", "requestId": req4, "tokenId": tok, "subject": "erin@example.com",
                 "resource": "arn:aws:rds:us-east-1:444455556666:db:payments-primary",
                 "action": "rds:RebootDBInstance", "outcome": "allow", "tenant": "payments",
                 "scope": "break_glass:elevated", "timestamp": t}
s4 = [
    {"type": "request", "requestId": req4, "subject": "erin@example.com", "kind": "jit",
     "justification": "Payments primary database stuck in storage-full; reboot after failover",
     "ticketId": "INC-5120", "accountId": "444455556666", "permissionSetArn": ps, "tenant": "payments",
     "scope": ["break_glass:elevated"], "requestedDurationSeconds": 1800, "timestamp": "2023-03-14T09:00:00Z"},
    {"type": "approval", "requestId": req4, "approver": "frank@example.com", "approverAcr": "loa2",
     "approverRole": "incident_command", "timestamp": "2023-03-14T09:03:00Z"},
    {"type": "approval", "requestId": req4, "approver": "grace@example.com", "approverAcr": "loa3",
     "approverRole": "security", "timestamp": "2023-03-14T09:05:00Z"},
    {"type": "grant", "requestId": req4, "tokenId": tok, "singleUse": True, "expiresAt": "2023-03-14T09:36:00Z",
     "assignment": {"instanceArn": inst, "accountId": "444455556666", "permissionSetArn": ps,
                    "principalType": "USER", "principalId": "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"},
     "timestamp": "2023-03-14T09:06:00Z"},
    use("2023-03-14T09:10:00Z"),
    use("2023-03-14T09:12:30Z"),
    {"type": "expiry", "requestId": req4, "reason": "ttl_elapsed", "timestamp": "2023-03-14T09:36:00Z"},
    use("2023-03-14T09:41:00Z"),
]
write('04-jit-token-reuse-after-expiry.jsonl', s4)

# 6. JIT grants that break the policy in every way the gateway can show.
acct6 = '555566667777'
inst6 = 'arn:aws:sso:::instance/ssoins-1111222233334444'
ps6 = 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-9999888877776666'
def asg(principal):
    return {"instanceArn": inst6, "accountId": acct6, "permissionSetArn": ps6,
            "principalType": "USER", "principalId": principal}
def req(rid, subject, t, **extra):
    r = {"type": "request", "requestId": rid, "subject": subject, "kind": "jit", "accountId": acct6,
         "permissionSetArn": ps6, "tenant": "payments", "scope": ["break_glass:elevated"],
         "justification": "Payments incident: settlement batch stuck", "ticketId": "INC-6001", "timestamp": t}
    r.update(extra)
    return r
def appr(rid, who, role, acr, t):
    return {"type": "approval", "requestId": rid, "approver": who, "approverRole": role, "approverAcr": acr, "timestamp": t}
def grant(rid, tok, t, exp, principal):
    return {"type": "grant", "requestId": rid, "tokenId": tok, "singleUse": False, "expiresAt": exp,
            "assignment": asg(principal), "timestamp": t}
def usage(rid, tok, subject, t, outcome="allow", scope="break_glass:elevated", tenant="payments"):
    return {"type": "usage", "requestId": rid, "tokenId": tok, "subject": subject, "outcome": outcome,
            "resource": "arn:aws:lambda:us-east-1:555566667777:function:settlement-batch",
            "action": "lambda:InvokeFunction", "scope": scope, "tenant": tenant, "timestamp": t}
s6 = [
    # Mallory approves her own request as incident commander; the security approval is weak (loa1).
    req("JIT-20240506-0101", "mallory@example.com", "2024-05-06T10:00:00Z"),
    appr("JIT-20240506-0101", "mallory@example.com", "incident_command", "loa2", "2024-05-06T10:02:00Z"),
    appr("JIT-20240506-0101", "trent@example.com", "security", "loa1", "2024-05-06T10:03:00Z"),
    grant("JIT-20240506-0101", "jit_tok_mallory_5b1e", "2024-05-06T10:05:00Z", "2024-05-06T10:35:00Z",
          "0aa1b2c3-0101-4d5e-8f90-a1b2c3d4e5f6"),
    usage("JIT-20240506-0101", "jit_tok_mallory_5b1e", "mallory@example.com", "2024-05-06T10:07:00Z"),
    {"type": "expiry", "requestId": "JIT-20240506-0101", "reason": "ttl_elapsed", "timestamp": "2024-05-06T10:35:00Z"},
    # Oscar's grant comes 50 minutes after the approvals, lasts two hours, is used on another tenant
    # with a broader scope, and is then extended.
    req("JIT-20240506-0102", "oscar@example.com", "2024-05-06T11:00:00Z"),
    appr("JIT-20240506-0102", "frank@example.com", "incident_command", "loa2", "2024-05-06T11:01:00Z"),
    appr("JIT-20240506-0102", "grace@example.com", "security", "loa3", "2024-05-06T11:02:00Z"),
    grant("JIT-20240506-0102", "jit_tok_oscar_77c2", "2024-05-06T11:52:00Z", "2024-05-06T13:52:00Z",
          "0aa1b2c3-0102-4d5e-8f90-a1b2c3d4e5f6"),
    usage("JIT-20240506-0102", "jit_tok_oscar_77c2", "oscar@example.com", "2024-05-06T11:55:00Z"),
    usage("JIT-20240506-0102", "jit_tok_oscar_77c2", "oscar@example.com", "2024-05-06T12:10:00Z",
          scope="break_glass:admin", tenant="billing"),
    grant("JIT-20240506-0102", "jit_tok_oscar_77c2", "2024-05-06T13:40:00Z", "2024-05-06T15:40:00Z",
          "0aa1b2c3-0102-4d5e-8f90-a1b2c3d4e5f6"),
    # Peggy's token is denied five times in ten minutes; she also holds a second grant on the account.
    req("JIT-20240506-0103", "peggy@example.com", "2024-05-06T14:00:00Z"),
    appr("JIT-20240506-0103", "frank@example.com", "incident_command", "loa2", "2024-05-06T14:01:00Z"),
    appr("JIT-20240506-0103", "grace@example.com", "security", "loa3", "2024-05-06T14:02:00Z"),
    grant("JIT-20240506-0103", "jit_tok_peggy_a913", "2024-05-06T14:03:00Z", "2024-05-06T14:33:00Z",
          "0aa1b2c3-0103-4d5e-8f90-a1b2c3d4e5f6"),
] + [usage("JIT-20240506-0103", "jit_tok_peggy_a913", "peggy@example.com", f"2024-05-06T14:{m:02d}:00Z", outcome="deny")
     for m in (5, 6, 8, 10, 12)] + [
    req("JIT-20240506-0104", "peggy@example.com", "2024-05-06T14:15:00Z"),
    appr("JIT-20240506-0104", "frank@example.com", "incident_command", "loa2", "2024-05-06T14:16:00Z"),
    appr("JIT-20240506-0104", "grace@example.com", "security", "loa3", "2024-05-06T14:17:00Z"),
    grant("JIT-20240506-0104", "jit_tok_peggy_c0de", "2024-05-06T14:18:00Z", "2024-05-06T14:48:00Z",
          "0aa1b2c3-0104-4d5e-8f90-a1b2c3d4e5f6"),
    {"type": "expiry", "requestId": "JIT-20240506-0103", "reason": "ttl_elapsed", "timestamp": "2024-05-06T14:33:00Z"},
    {"type": "expiry", "requestId": "JIT-20240506-0104", "reason": "ttl_elapsed", "timestamp": "2024-05-06T14:48:00Z"},
] + [
    # Victor asks for break-glass access four times in three weeks.
    req(f"JIT-202405{d:02d}-02{i}", "victor@example.com", f"2024-05-{d:02d}T09:00:00Z")
    for i, d in enumerate((2, 9, 16, 23), start=1)
]
write('06-jit-policy-violations.jsonl', s6)

# 7. An approved root session that signs in without MFA and runs past the time its runbook
#    declaration gave it; the CloudTrail record arrives as a LookupEvents response.
lookup = next(r['event'] for i, r in rows(docs) if r['format'] == 'lookupevents-response'
              and any(json.loads(e['CloudTrailEvent'])['userIdentity'].get('type') == 'Root' for e in r['event']['Events']))
acct7 = json.loads(lookup['Events'][0]['CloudTrailEvent'])['recipientAccountId']
req7 = 'BG-20150220-0003'
s7 = [
    {"type": "request", "requestId": req7, "subject": "ivan@example.com", "kind": "root",
     "justification": "Root MFA device lost during office move; restore console access for billing close",
     "ticketId": "INC-1179", "accountId": acct7, "timestamp": "2015-02-20T23:30:00Z"},
    {"type": "approval", "requestId": req7, "approver": "bob@example.com", "approverAcr": "loa3",
     "approverRole": "incident_command", "timestamp": "2015-02-20T23:33:00Z"},
    {"type": "approval", "requestId": req7, "approver": "carol@example.com", "approverAcr": "loa2",
     "approverRole": "security", "timestamp": "2015-02-20T23:35:00Z"},
    {"type": "grant", "requestId": req7, "tokenId": "bgt_4d2a9e0c7b1f3e55", "singleUse": True,
     "expiresAt": "2015-02-21T00:30:00Z", "timestamp": "2015-02-20T23:36:00Z"},
    {"timestamp": "2015-02-20T23:37:00Z", "actor_id": "ivan@example.com", "actor_role": "break_glass_root",
     "action": "break_glass_root_login", "resource_type": "aws_account", "resource_id": acct7,
     "ip_address": "192.0.2.10", "user_agent": "Mozilla/5.0", "result": "success",
     "metadata": {"reason": "INC-1179 restore console access", "incident_channel": "#inc-1179",
                  "expected_session_duration_minutes": 10, "requestId": req7}},
    lookup,
    {"type": "expiry", "requestId": req7, "reason": "ttl_elapsed", "timestamp": "2015-02-21T00:30:00Z"},
    {"type": "rotation", "accountId": acct7, "credential": "root_password", "requestId": req7,
     "actor": "ivan@example.com", "timestamp": "2015-02-21T09:10:00Z"},
    {"type": "rotation", "accountId": acct7, "credential": "root_mfa", "requestId": req7,
     "actor": "ivan@example.com", "timestamp": "2015-02-21T09:12:00Z"},
]
write('07-root-session-overrun.jsonl', s7)

# 5. Background: every other Panther CloudTrail rule test (EC2, S3, RDS, logging...): no root, no alert.
#    Fixtures that cannot be placed in time (no eventTime, no p_event_time) or in an account (no
#    recipientAccountId, no userIdentity account) are left out: CloudTrail always records both.
bg = 'panther-cloudtrail-background.jsonl'
def placeable(r):
    e = {k.lower(): v for k, v in r['event'].items()}
    ident = {k.lower(): v for k, v in (e.get('useridentity') or {}).items()}
    account = e.get('recipientaccountid') or ident.get('accountid') or (str(ident.get('arn') or '').split(':')[4:5] or [''])[0]
    return ('eventtime' in e or 'p_event_time' in e) and bool(account)
write('05-background-cloudtrail.jsonl', [unique(e, bg, i) for i, e in pick(bg, placeable)])
