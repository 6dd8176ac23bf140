import { BREACH_RULES, detect, withinHours, type DetectorEntry } from './breach-rules';

const ORG = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const T0 = Date.parse('2026-03-02T15:00:00Z'); // a Monday, 07:00 in Vancouver

/** A synthetic audit stream with its own (fake) clock: each `at(ms)` advances time. */
function stream() {
  const entries: DetectorEntry[] = [];
  let now = T0;
  const push = (e: Partial<DetectorEntry>): void => {
    entries.push({
      seq: entries.length + 1,
      occurredAt: new Date(now),
      orgId: ORG,
      actorId: 'staff-1',
      actorRole: 'staff',
      action: 'patient.read',
      outcome: 'success',
      reason: null,
      resourceIds: [],
      patientIds: [],
      ...e,
    });
  };
  return {
    entries,
    tick(ms: number) {
      now += ms;
    },
    push,
  };
}

/** A normal working day: a few staff reading their patients, occasional typos at login. */
function baseline() {
  const s = stream();
  for (let i = 0; i < 400; i++) {
    s.tick(60_000);
    const actor = `staff-${i % 4}`;
    s.push({ actorId: actor, patientIds: [`p-${actor}-${i % 12}`], resourceIds: [`p-${actor}-${i % 12}`] });
    if (i % 50 === 0)
      s.push({ action: 'auth.login', outcome: 'failure', reason: 'bad_credentials', actorId: null, actorRole: null, resourceIds: [actor] });
    if (i % 97 === 0) s.push({ action: 'authz.denied', outcome: 'denied', reason: 'cross_tenant', orgId: OTHER, patientIds: [] });
  }
  return s;
}

describe('breach rules (security.md B1) — synthetic replay', () => {
  it('documents a threshold and window for every rule', () => {
    for (const rule of Object.values(BREACH_RULES)) {
      expect(rule.threshold).toBeGreaterThan(0);
      expect(rule.windowMs).toBeGreaterThan(0);
      expect(rule.description.length).toBeGreaterThan(10);
    }
  });

  it('a normal baseline fires nothing (false-positive budget 0)', () => {
    const hours = new Map([[ORG, { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' }]]);
    expect(detect(baseline().entries, { hours })).toEqual([]);
  });

  it('many failed logins on one account fire failed_logins_account once, for that account', () => {
    const s = baseline();
    for (let i = 0; i < 30; i++) {
      s.tick(20_000);
      s.push({
        action: 'auth.login',
        outcome: 'failure',
        reason: 'bad_credentials',
        actorId: null,
        actorRole: null,
        resourceIds: ['victim'],
      });
    }
    const fired = detect(s.entries);
    expect(fired.map((f) => [f.rule, f.subject])).toEqual([['failed_logins_account', 'victim']]);
    expect(fired[0]?.count).toBe(10);
  });

  it('failed logins across an org fire failed_logins_org once, for the org', () => {
    const s = baseline();
    for (let i = 0; i < 150; i++) {
      s.tick(300);
      s.push({
        action: 'auth.login',
        outcome: 'failure',
        reason: 'bad_credentials',
        actorId: null,
        actorRole: null,
        resourceIds: [`acct-${i % 50}`],
      });
    }
    const fired = detect(s.entries);
    expect(fired.map((f) => [f.rule, f.subject])).toEqual([['failed_logins_org', ORG]]);
  });

  it('repeated wrong TOTP codes fire failed_mfa once', () => {
    const s = baseline();
    for (let i = 0; i < 8; i++) {
      s.tick(30_000);
      s.push({
        action: 'auth.login',
        outcome: 'failure',
        reason: 'invalid_mfa_token',
        actorId: null,
        actorRole: null,
        resourceIds: ['mfa-user'],
      });
    }
    expect(detect(s.entries).map((f) => [f.rule, f.subject])).toEqual([['failed_mfa', 'mfa-user']]);
  });

  it('> 50 distinct patients in 10 min by one actor fires phi_read_volume once (re-reads do not count twice)', () => {
    const s = baseline();
    for (let i = 0; i < 120; i++) {
      s.tick(4_000);
      s.push({ actorId: 'snooper', patientIds: [`bulk-${i % 60}`] });
    }
    const fired = detect(s.entries);
    expect(fired.map((f) => [f.rule, f.subject])).toEqual([['phi_read_volume', 'snooper']]);
    expect(fired[0]?.count).toBe(51);
  });

  it('50 distinct patients in 10 min stays quiet (threshold is > 50)', () => {
    const s = stream();
    for (let i = 0; i < 50; i++) {
      s.tick(5_000);
      s.push({ actorId: 'busy', patientIds: [`p-${i}`] });
    }
    expect(detect(s.entries)).toEqual([]);
  });

  it('access outside configured hours fires off_hours_access once per actor and hour; no hours configured: never', () => {
    const s = stream();
    s.tick(16 * 3_600_000); // 23:00 Vancouver
    for (let i = 0; i < 5; i++) {
      s.tick(60_000);
      s.push({ actorId: 'night-owl', patientIds: ['p-1'] });
    }
    const hours = new Map([[ORG, { timezone: 'America/Vancouver', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }]]);
    expect(detect(s.entries, { hours }).map((f) => [f.rule, f.subject])).toEqual([['off_hours_access', 'night-owl']]);
    expect(detect(s.entries)).toEqual([]);
  });

  it('withinHours respects the time zone and weekdays', () => {
    const hours = { timezone: 'America/Vancouver', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' };
    expect(withinHours(hours, new Date('2026-03-02T17:00:00Z'))).toBe(true); // Mon 09:00
    expect(withinHours(hours, new Date('2026-03-02T15:00:00Z'))).toBe(false); // Mon 07:00
    expect(withinHours(hours, new Date('2026-03-07T20:00:00Z'))).toBe(false); // Sat
  });

  it('> 20 cross-tenant denials in 5 min fire cross_tenant_denials once, for the actor', () => {
    const s = baseline();
    for (let i = 0; i < 40; i++) {
      s.tick(5_000);
      s.push({
        action: 'authz.denied',
        outcome: 'denied',
        reason: 'cross_tenant',
        actorId: 'prober',
        orgId: OTHER,
        resourceIds: [`x-${i}`],
      });
    }
    expect(detect(s.entries).map((f) => [f.rule, f.subject])).toEqual([['cross_tenant_denials', 'prober']]);
  });

  it('any superAdmin PHI access fires superadmin_phi_access (once per 10 min)', () => {
    const s = baseline();
    for (let i = 0; i < 3; i++) {
      s.tick(60_000);
      s.push({ actorId: 'root', actorRole: 'superAdmin', patientIds: ['p-9'] });
    }
    expect(detect(s.entries).map((f) => [f.rule, f.subject])).toEqual([['superadmin_phi_access', 'root']]);
  });

  it('an audit verifier failure fires audit_verifier_failure', () => {
    const s = baseline();
    s.push({ action: 'audit.verify', outcome: 'failure', reason: 'entry_hash_mismatch', actorId: null, actorRole: null, orgId: null });
    expect(detect(s.entries).map((f) => [f.rule, f.subject])).toEqual([['audit_verifier_failure', 'audit_chain']]);
  });

  it('a sustained attack fires again only after a full window; context entries never fire', () => {
    const s = stream();
    for (let i = 0; i < 360; i++) {
      s.tick(5_000); // 30 min of probing, 12 per minute
      s.push({ action: 'authz.denied', outcome: 'denied', reason: 'cross_tenant', actorId: 'prober', orgId: OTHER });
    }
    const all = detect(s.entries);
    expect(all.length).toBe(6); // one per 5-min window over 30 min
    const first = all[0];
    // Replaying only what follows the first firing, with that firing's quiet period, adds nothing new for the same window.
    const quiet = new Map([
      [`${first?.rule}|${first?.subject}`, (first?.windowEnd.getTime() ?? 0) + BREACH_RULES.cross_tenant_denials.windowMs],
    ]);
    const again = detect(s.entries, { quietUntil: quiet, contextThroughSeq: first?.lastSeq });
    expect(again).toEqual(all.slice(1));
  });
});
