import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACT_PATHS, redactUrl, serializeError } from './redaction';

function capture(): { logger: pino.Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ redact: { paths: REDACT_PATHS, censor: '[Redacted]' } }, stream), lines: () => chunks };
}

describe('log redaction', () => {
  it('removes tokens and e-mails from logged URLs', () => {
    expect(redactUrl('/v1/auth/verify-email?token=eyJabc.def&format=json')).toBe('/v1/auth/verify-email?token=[Redacted]&format=json');
    expect(redactUrl('/v1/x?email=a%40b.c')).toBe('/v1/x?email=[Redacted]');
    expect(redactUrl('/v1/patients?page=2')).toBe('/v1/patients?page=2');
  });

  it('censors PHI and credential fields in logged objects', () => {
    const { logger, lines } = capture();
    logger.info(
      { patient: { name: 'ZZCANARY Ada', phone: '+15550100001' }, password: 'hunter22', req: { headers: { authorization: 'Bearer x' } } },
      'm',
    );
    const out = lines().join('');
    expect(out).not.toContain('ZZCANARY');
    expect(out).not.toContain('+15550100001');
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain('Bearer x');
  });

  it('serialises driver errors without their parameters or row values', () => {
    const err = new Error('Failed query: insert into "patients" ("name") values ($1)\nparams: ZZCANARY Ada,+15550100001');
    const detail = new Error('duplicate key value violates unique constraint "x"');
    (detail as Error & { detail: string }).detail = 'Key (email)=(zzcanary@example.org) already exists.';
    err.cause = detail;
    const serialised = JSON.stringify(serializeError(err));
    expect(serialised).not.toContain('ZZCANARY');
    expect(serialised).not.toContain('zzcanary@example.org');
    expect(serialised).toContain('Failed query');
    expect(serializeError(err).cause?.message).toContain('duplicate key value');
  });

  it('keeps a hostile message on one line (no log injection)', () => {
    const serialised = serializeError(new Error('x\n{"level":"info","msg":"forged"}'));
    expect(serialised.message).not.toContain('\n');
  });
});
