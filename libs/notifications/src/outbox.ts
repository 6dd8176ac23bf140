import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One entry of DATA_DIR/outbox: the `.eml`/`.txt` file plus a JSON index line beside it. */
export interface OutboxEntry {
  id: string;
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  text: string;
  html: string;
  template: string;
  date: string;
}

export function outboxDir(dataDir: string): string {
  return join(dataDir, 'outbox');
}

/** Writes an outbox entry: `<id>.eml` (or `.txt`) for humans, `<id>.json` for the test helpers. */
export async function writeOutboxEntry(dataDir: string, entry: Omit<OutboxEntry, 'id'>, raw: Buffer | string): Promise<OutboxEntry> {
  const dir = outboxDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Sortable by time, unique across concurrent writers.
  const id = `${entry.date.replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
  const full: OutboxEntry = { id, ...entry };
  await writeFile(join(dir, `${id}.${entry.channel === 'email' ? 'eml' : 'txt'}`), raw, { mode: 0o600 });
  await writeFile(join(dir, `${id}.json`), JSON.stringify(full), { mode: 0o600 });
  return full;
}

/** Entries for one recipient, newest first (development and test helpers only). */
export async function readOutbox(dataDir: string, to?: string): Promise<OutboxEntry[]> {
  const dir = outboxDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const entries = await Promise.all(
    names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as OutboxEntry),
  );
  const wanted = to?.trim().toLowerCase();
  return entries.filter((e) => !wanted || e.to.toLowerCase() === wanted).sort((a, b) => b.id.localeCompare(a.id));
}
