import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CallRiskPorts } from '@app/calls';
import { createCaregiver, createOrg, createTestApp, type TestApp } from '@app/testing';

/**
 * No PHI, secrets or tokens in application logs; log injection neutralised (security.md L7).
 *
 * The real app boots at debug level with everything it writes to stdout and stderr captured in this
 * process: pino writes to `process.stdout` (it falls back from its fd-1 SonicBoom to the stream
 * object when `process.stdout.write` has been replaced, which this test does before the boot). A
 * realistic flow runs with unique canary values in every sensitive place; afterwards no canary may
 * appear anywhere in the output, and every stdout line must be one JSON object (no forged lines,
 * no raw control characters).
 */
const hex = (n = 5): string => randomBytes(n).toString('hex');

async function totp(secret: string): Promise<string> {
  const { generate } = await import('otplib');
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) });
}

interface Capture {
  stdout: string[];
  stderr: string[];
  restore(): void;
}

function captureOutput(): Capture {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const original = { stdout: process.stdout.write, stderr: process.stderr.write };
  const sink =
    (into: string[]) =>
    (chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') (done as () => void)();
      return true;
    };
  process.stdout.write = sink(stdout);
  process.stderr.write = sink(stderr);
  return {
    stdout,
    stderr,
    restore: () => {
      process.stdout.write = original.stdout;
      process.stderr.write = original.stderr;
    },
  };
}

describe('application logs carry no PHI, secrets or tokens; log injection is neutralised (L7)', () => {
  let t: TestApp;
  let capture: Capture;

  beforeAll(async () => {
    capture = captureOutput();
    try {
      t = await createTestApp({ env: { LOG_LEVEL: 'debug', AUTH_RATE_LIMIT_PER_MINUTE: '10000' } });
    } catch (err) {
      capture.restore();
      throw err;
    }
  });
  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      capture.restore();
    }
  });

  it('a realistic flow with canaries in every sensitive place leaves none of them in stdout or stderr', async () => {
    const canary = {
      caregiverName: `Zqcgname${hex()}`,
      caregiverEmail: `zqcgmail${hex()}@example.test`,
      caregiverPhone: `+1604${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`,
      password: `Zq-${hex()}-Harbor9`,
      wrongPassword: `Zq-${hex()}-Wrong7`,
      failedLoginEmail: `zqfailmail${hex()}@example.test`,
      patientName: `Zqptname${hex()}`,
      patientEmail: `zqptmail${hex()}@example.test`,
      patientPhone: `604${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`,
      notes: `zqnotes${hex()}`,
      notes2: `zqnotestwo${hex()}`,
      medication: `zqmed${hex()}`,
      condition: `zqcond${hex()}`,
      message: `zqmessage${hex()}`,
      quote: `zqquote${hex()}`,
      alertMessage: `zqalert${hex()}`,
      invalidEmail: `zqbademail${hex()}`,
      invalidPhone: `zqbadphone${hex()}`,
      unknownField: `zqunknown${hex()}`,
      invalidImportance: `zqimportance${hex()}`,
      pathValue: `zqpath${hex()}`,
      queryValue: `zqquery${hex()}`,
    };
    const secrets: string[] = [];
    const http = () => t.http();

    // A caregiver with a canary identity and password; password login, a failed login with an
    // unknown canary e-mail and a wrong canary password.
    const org = await createOrg(t);
    await createCaregiver(t, {
      org,
      role: 'orgAdmin',
      name: canary.caregiverName,
      email: canary.caregiverEmail,
      phone: canary.caregiverPhone,
      password: canary.password,
    });
    const login = await http().post('/v1/auth/login').send({ email: canary.caregiverEmail, password: canary.password }).expect(200);
    let access = login.body.tokens.access.token as string;
    const refresh = login.body.tokens.refresh.token as string;
    secrets.push(access, refresh);
    await http().post('/v1/auth/login').send({ email: canary.failedLoginEmail, password: canary.password }).expect(401);
    await http().post('/v1/auth/login').send({ email: canary.caregiverEmail, password: canary.wrongPassword }).expect(401);

    // Refresh rotation.
    const rotated = await http().post('/v1/auth/refresh-tokens').send({ refreshToken: refresh }).expect(200);
    access = rotated.body.tokens.access.token as string;
    secrets.push(access, rotated.body.tokens.refresh.token as string);
    const auth = (): string => `Bearer ${access}`;

    // MFA enrolment and an MFA login (secret, backup codes, temp token, codes).
    const enable = await http().post('/v1/mfa/enable').set('Authorization', auth()).expect(200);
    secrets.push(enable.body.secret as string, ...(enable.body.backupCodes as string[]));
    const enrolCode = await totp(enable.body.secret as string);
    await http().post('/v1/mfa/verify').set('Authorization', auth()).send({ token: enrolCode }).expect(200);
    const challenge = await http().post('/v1/auth/login').send({ email: canary.caregiverEmail, password: canary.password }).expect(200);
    secrets.push(challenge.body.tempToken as string);
    const backup = (enable.body.backupCodes as string[])[0];
    const mfaLogin = await http()
      .post('/v1/auth/login')
      .send({ email: canary.caregiverEmail, password: canary.password, mfaToken: backup })
      .expect(200);
    access = mfaLogin.body.tokens.access.token as string;
    secrets.push(access, mfaLogin.body.tokens.refresh.token as string);
    await http().post('/v1/auth/login').send({ email: canary.caregiverEmail, password: canary.password, mfaToken: '000000' }).expect(401);

    // Patient records: create, update, read, search by name.
    const created = await http()
      .post('/v1/patients')
      .set('Authorization', auth())
      .send({
        name: canary.patientName,
        email: canary.patientEmail,
        phone: canary.patientPhone,
        notes: canary.notes,
        medications: [canary.medication],
        conditions: [canary.condition],
      })
      .expect(201);
    const patientId = created.body.id as string;
    await http().patch(`/v1/patients/${patientId}`).set('Authorization', auth()).send({ notes: canary.notes2 }).expect(200);
    await http().get(`/v1/patients/${patientId}`).set('Authorization', auth()).expect(200);
    await http().get('/v1/patients').query({ name: canary.patientName }).set('Authorization', auth()).expect(200);

    // A conversation message, an alert quoting the patient (as the call pipeline raises it), a caregiver alert.
    const conversation = await http().post(`/v1/conversations/patient/${patientId}`).set('Authorization', auth()).send({}).expect(201);
    await http()
      .post(`/v1/conversations/${conversation.body.id}`)
      .set('Authorization', auth())
      .send({ role: 'patient', content: canary.message })
      .expect(200);
    await t.get(CallRiskPorts).report({
      callId: conversation.body.id as string,
      patientId,
      orgId: org.id,
      source: 'detector',
      category: 'medical',
      severity: 'HIGH',
      phrase: 'chest pain',
      matched: `chest pain ${canary.quote}`,
      repeat: false,
      escalated: false,
      occurrences: 1,
    });
    await t.get(CallRiskPorts).settled();
    await http()
      .post('/v1/alerts')
      .set('Authorization', auth())
      .send({ message: canary.alertMessage, importance: 'high', alertType: 'patient', visibility: 'orgAdmin', relatedPatient: patientId })
      .expect(201);
    await http().get('/v1/alerts').set('Authorization', auth()).expect(200);

    // Validation errors with canaries in the bodies, a 404 with a canary in the path and the query.
    await http()
      .post('/v1/patients')
      .set('Authorization', auth())
      .send({ name: canary.patientName, email: canary.invalidEmail, phone: canary.invalidPhone, [canary.unknownField]: canary.notes })
      .expect(400);
    await http()
      .post('/v1/alerts')
      .set('Authorization', auth())
      .send({ message: canary.alertMessage, importance: canary.invalidImportance, alertType: 'patient', visibility: 'orgAdmin' })
      .expect(400);
    await http()
      .post('/v1/auth/login')
      .send({ email: { nested: canary.failedLoginEmail }, password: [canary.password] })
      .expect(400);
    await http().get(`/v1/patients/${randomUUID()}`).set('Authorization', auth()).expect(404);
    await http().get(`/v1/no-such-route/${canary.pathValue}`).query({ q: canary.queryValue }).set('Authorization', auth()).expect(404);
    await http()
      .get(`/v1/patients/${canary.pathValue}`)
      .set('Authorization', auth())
      .expect((res) => expect([400, 404]).toContain(res.status));

    const out = capture.stdout.join('');
    const err = capture.stderr.join('');
    // The flow was logged at all (else this test proves nothing): one line per request.
    expect(out).toContain('"msg":"request completed"');
    expect(out).toContain('/v1/patients');
    const leaks = [...Object.entries(canary), ...secrets.map((s, i) => [`secret${i}`, s] as const)].flatMap(([name, value]) => [
      ...(out.includes(value) ? [`stdout: ${name}`] : []),
      ...(err.includes(value) ? [`stderr: ${name}`] : []),
    ]);
    // The MFA codes: short digit strings, so only as a whole number.
    const code = new RegExp(`(?<![0-9])${enrolCode}(?![0-9])`);
    if (code.test(out) || code.test(err)) leaks.push('mfa code');
    expect(leaks).toEqual([]);
    // Structured output only: every stdout line is one JSON record.
    const unparsable = out
      .split('\n')
      .filter((line) => line.length > 0)
      .filter((line) => {
        try {
          return typeof JSON.parse(line) !== 'object';
        } catch {
          return true;
        }
      });
    expect(unparsable).toEqual([]);
  });

  it('a hostile value with a forged JSON line and ANSI escapes stays inside one structured log line', async () => {
    const marker = `zqforged${hex()}`;
    const hostile = `Evil\n{"level":"info","msg":"${marker}"}\r\n\u001b[31mred\u001b[0m\u0007`;
    const org = await createOrg(t);
    const password = `Zq-${hex()}-Harbor9`;
    const admin = await createCaregiver(t, { org, role: 'orgAdmin', password });
    const login = await t.http().post('/v1/auth/login').send({ email: admin.email, password }).expect(200);
    const auth = `Bearer ${login.body.tokens.access.token as string}`;
    const before = capture.stdout.length;
    await t
      .http()
      .post('/v1/patients')
      .set('Authorization', auth)
      .send({ name: hostile, email: `zqinj${hex()}@example.test`, phone: '6045550100', notes: hostile })
      .expect(201);
    await t.http().get('/v1/patients').query({ name: hostile }).set('Authorization', auth).expect(200);
    await t
      .http()
      .post('/v1/auth/login')
      .send({ email: hostile, password: hostile })
      .expect((res) => expect(res.status).toBeGreaterThanOrEqual(400));
    await t
      .http()
      .get(`/v1/no-such-route/${encodeURIComponent(hostile)}`)
      .set('Authorization', auth)
      .expect(404);
    await t.http().get('/v1/patients').set('Authorization', auth).set('X-Request-Id', `abc${marker}"},{"level":"info`).expect(200);

    // Whatever code logs such a value by mistake (message or field), the pipeline keeps it in one record.
    const probe = new Logger('LogInjectionProbe');
    probe.warn(hostile);
    probe.warn({ msg: 'probe', detail: hostile });

    const written = capture.stdout.slice(before).join('');
    expect(written.length).toBeGreaterThan(0);
    const lines = written.split('\n').filter((line) => line.length > 0);
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { unparsable: line };
      }
    });
    expect(parsed.filter((p) => 'unparsable' in p)).toEqual([]);
    // No forged record, no raw ESC/BEL/CR on any line.
    expect(parsed.filter((p) => p.msg === marker)).toEqual([]);
    expect(lines.filter((line) => /\p{Cc}/u.test(line))).toEqual([]);
    for (const p of parsed) expect(typeof p.level).toBe('string');
    // The probe records arrived whole, the hostile text escaped inside them.
    expect(parsed.filter((p) => p.context === 'LogInjectionProbe').map((p) => p.detail ?? p.msg)).toEqual([hostile, hostile]);
  });
});
