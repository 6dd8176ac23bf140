import { loggableUrl } from './redaction';

describe('loggableUrl (request log URLs, security.md L7)', () => {
  it('keeps the matched route, ids and query keys; redacts every caller-typed value', () => {
    const id = '9da4c851-3eab-4164-a340-f0d5dd5142dd';
    expect(loggableUrl(`/v1/patients/${id}`, '/v1/patients/:patientId')).toBe(`/v1/patients/${id}`);
    expect(loggableUrl('/v1/patients/Ada%20Lovelace', '/v1/patients/:patientId')).toBe('/v1/patients/[Redacted]');
    expect(loggableUrl('/v1/patients?name=Ada&page=2&showRead=true', '/v1/patients')).toBe(
      '/v1/patients?name=[Redacted]&page=2&showRead=true',
    );
    expect(loggableUrl('/v1/auth/verify-email?token=eyJabc.def', '/v1/auth/verify-email')).toBe('/v1/auth/verify-email?token=[Redacted]');
  });

  it('without a matched route keeps only the API version', () => {
    expect(loggableUrl('/v1/no-such-route/ada@example.org?ada=1')).toBe('/v1/[Redacted]/[Redacted]?[Redacted]=1');
    expect(loggableUrl('/v1/x%0A%7B%22level%22%3A%22info%22%7D')).toBe('/v1/[Redacted]');
    expect(loggableUrl(undefined)).toBeUndefined();
  });
});
