import { CSV_HEADER, toCsvLine, toNdjsonLine, type AuditEntryView } from './audit-entry.view';

const view = (overrides: Partial<AuditEntryView> = {}): AuditEntryView => ({
  id: '7',
  seq: null,
  sealed: false,
  occurredAt: '2026-01-02T03:04:05.000Z',
  orgId: null,
  actorId: 'u1',
  actorRole: 'orgAdmin',
  sessionId: null,
  requestId: 'r1',
  ip: '203.0.113.1',
  userAgent: 'Mozilla/5.0',
  action: 'patient.read',
  resourceType: 'patient',
  resourceIds: ['a', 'b'],
  patientIds: [],
  outcome: 'success',
  reason: null,
  severity: 'info',
  ...overrides,
});

describe('audit export lines', () => {
  it('writes one RFC 4180 CSV line per entry under the header', () => {
    expect(CSV_HEADER.split(',')).toHaveLength(17);
    expect(toCsvLine(view())).toBe(
      '7,,2026-01-02T03:04:05.000Z,,u1,orgAdmin,,r1,203.0.113.1,Mozilla/5.0,patient.read,patient,a b,,success,,info\r\n',
    );
  });

  it('quotes separators and neutralises spreadsheet formulas in client-controlled text', () => {
    const line = toCsvLine(view({ userAgent: '=HYPERLINK("http://x","y"),z' }));
    expect(line).toContain(`"'=HYPERLINK(""http://x"",""y""),z"`);
    expect(toCsvLine(view({ userAgent: '@SUM(1)' }))).toContain(",'@SUM(1),");
    expect(toCsvLine(view({ userAgent: 'a\r\nb' }))).toContain('"a\r\nb"');
  });

  it('writes NDJSON as one JSON object per line', () => {
    const line = toNdjsonLine(view({ userAgent: 'x\ny' }));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ id: '7', userAgent: 'x\ny' });
  });
});
