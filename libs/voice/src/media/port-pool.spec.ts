import { createSocket, type Socket } from 'node:dgram';
import { RtpPortPool, RtpPortsExhaustedError } from './port-pool';

/** A UDP port the OS just gave us (and that we keep bound, so it is surely "in use"). */
async function occupy(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port };
}

describe('RtpPortPool', () => {
  const toClose: Socket[] = [];
  afterEach(() => {
    for (const s of toClose.splice(0)) s.close();
  });

  it('skips a port that fails to bind and tries another', async () => {
    const taken = await occupy();
    toClose.push(taken.socket);
    // The occupied port first, then its neighbours (any parity).
    const pool = new RtpPortPool({ min: taken.port, max: Math.min(65535, taken.port + 6), bindAddress: '127.0.0.1', evenOnly: false });
    const lease = await pool.acquire();
    expect(lease.port).not.toBe(taken.port);
    expect(lease.socket.address().port).toBe(lease.port);
    expect(pool.bindFailures).toBeGreaterThanOrEqual(1);
    expect(pool.inUse).toBe(1);
    lease.release();
  });

  it('fails fast, never hangs, when no port can be bound', async () => {
    const taken = await occupy();
    toClose.push(taken.socket);
    const pool = new RtpPortPool({ min: taken.port, max: taken.port, bindAddress: '127.0.0.1', evenOnly: false });
    await expect(pool.acquire()).rejects.toBeInstanceOf(RtpPortsExhaustedError);
    expect(pool.available).toBe(1); // the port stays in the pool for when it frees up
    expect(pool.inUse).toBe(0);
  });

  it('returns ports on release (idempotently) and hands them out again', async () => {
    const probe = await occupy();
    const port = probe.port;
    probe.socket.close();
    const pool = new RtpPortPool({ min: port, max: port, bindAddress: '127.0.0.1', evenOnly: false });
    const first = await pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(RtpPortsExhaustedError); // the only port is leased
    first.release();
    first.release();
    expect([pool.available, pool.inUse]).toEqual([1, 0]);
    const second = await pool.acquire();
    expect(second.port).toBe(port);
    second.release();
  });

  it('uses even ports by default and never leases one port twice at once', async () => {
    const base = 40000 + 2 * Math.floor(Math.random() * 5000);
    const pool = new RtpPortPool({ min: base, max: base + 19, bindAddress: '127.0.0.1' });
    expect(pool.size).toBe(10);
    const leases = await Promise.all(Array.from({ length: 5 }, () => pool.acquire()));
    const ports = leases.map((l) => l.port);
    expect(new Set(ports).size).toBe(5);
    expect(ports.every((p) => p % 2 === 0 && p >= base && p <= base + 19)).toBe(true);
    for (const l of leases) l.release();
    expect(pool.inUse).toBe(0);
  });

  it('rejects an empty or inverted range', () => {
    expect(() => new RtpPortPool({ min: 20001, max: 20001 })).toThrow(RangeError);
    expect(() => new RtpPortPool({ min: 30000, max: 20000 })).toThrow(RangeError);
  });
});
