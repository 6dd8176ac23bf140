import { createSocket, type Socket } from 'node:dgram';
import { ServiceUnavailableError } from '@app/platform';

/** No UDP port of RTP_PORT_MIN..MAX could be bound (all leased, or all failing to bind). */
export class RtpPortsExhaustedError extends ServiceUnavailableError {
  constructor(readonly attempts: number) {
    super('No RTP port is available for the call audio', 'RtpPortsExhausted', { attempts });
  }
}

export interface RtpPortPoolOptions {
  min: number;
  max: number;
  /** Local address to bind (default 0.0.0.0; tests use 127.0.0.1). */
  bindAddress?: string;
  /** RTP convention: even ports (the odd neighbour belongs to RTCP). Default true. */
  evenOnly?: boolean;
  /** Ports tried per `acquire` before giving up. Default 16. */
  maxAttempts?: number;
  /** A bind that neither succeeds nor fails within this time counts as failed. Default 2 s. */
  bindTimeoutMs?: number;
  /** Socket factory (default udp4). */
  createSocket?: () => Socket;
}

/** A bound UDP socket on a pooled port. `release()` closes it and returns the port; idempotent. */
export interface PortLease {
  readonly port: number;
  readonly socket: Socket;
  release(): void;
}

function bind(socket: Socket, port: number, address: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`bind ${port} timed out`)), timeoutMs);
    const onError = (err: Error): void => done(err);
    const done = (err?: Error): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    socket.once('error', onError);
    socket.bind(port, address, () => done());
  });
}

/**
 * UDP ports for call media over RTP_PORT_MIN..MAX. Ports are handed out least-recently-used
 * first (a late packet of the previous call rarely reaches a new one); a port that fails to bind
 * (taken by another process) goes to the back of the line and the next one is tried, up to
 * `maxAttempts`, so `acquire` always settles and never hangs.
 */
export class RtpPortPool {
  private readonly free: number[] = [];
  private readonly leased = new Set<number>();
  private readonly bindAddress: string;
  private readonly maxAttempts: number;
  private readonly bindTimeoutMs: number;
  private readonly newSocket: () => Socket;
  readonly size: number;
  bindFailures = 0;

  constructor(options: RtpPortPoolOptions) {
    const { min, max } = options;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new RangeError(`RtpPortPool: invalid port range ${min}..${max}`);
    }
    const evenOnly = options.evenOnly ?? true;
    for (let port = min; port <= max; port++) if (!evenOnly || port % 2 === 0) this.free.push(port);
    if (this.free.length === 0) throw new RangeError(`RtpPortPool: no usable port in ${min}..${max}`);
    this.size = this.free.length;
    this.bindAddress = options.bindAddress ?? '0.0.0.0';
    this.maxAttempts = options.maxAttempts ?? 16;
    this.bindTimeoutMs = options.bindTimeoutMs ?? 2000;
    this.newSocket = options.createSocket ?? (() => createSocket({ type: 'udp4' }));
  }

  get available(): number {
    return this.free.length;
  }

  get inUse(): number {
    return this.leased.size;
  }

  async acquire(): Promise<PortLease> {
    const tries = Math.min(this.maxAttempts, this.free.length);
    for (let attempt = 0; attempt < tries; attempt++) {
      const port = this.free.shift();
      if (port === undefined) break;
      this.leased.add(port); // reserved while binding: a concurrent acquire never gets it
      const socket = this.newSocket();
      try {
        await bind(socket, port, this.bindAddress, this.bindTimeoutMs);
      } catch {
        this.bindFailures++;
        this.leased.delete(port);
        this.free.push(port);
        try {
          socket.close();
        } catch {
          // never bound: nothing to close
        }
        continue;
      }
      return this.lease(port, socket);
    }
    throw new RtpPortsExhaustedError(tries);
  }

  private lease(port: number, socket: Socket): PortLease {
    let released = false;
    return {
      port,
      socket,
      release: () => {
        if (released) return;
        released = true;
        try {
          socket.close();
        } catch {
          // already closed
        }
        this.leased.delete(port);
        this.free.push(port);
      },
    };
  }
}
