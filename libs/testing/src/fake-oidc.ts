import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

/**
 * A local OpenID provider for SSO tests: serves a JWKS over HTTP and mints RS256 ID tokens (with
 * jose, loaded lazily: it is ESM-only). Point SSO_GOOGLE_JWKS_URL / SSO_MICROSOFT_JWKS_URL at
 * `jwksUrl`.
 */
export class FakeOidcIssuer {
  private constructor(
    private readonly server: Server,
    readonly jwksUrl: string,
    private readonly privateKey: KeyObject,
    readonly kid: string,
  ) {}

  static async start(): Promise<FakeOidcIssuer> {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'RS256', use: 'sig' };
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FakeOidcIssuer(server, `http://127.0.0.1:${port}/jwks`, privateKey, kid);
  }

  /** An ID token; claims override the defaults (iss Google, 10-minute expiry). */
  async idToken(claims: Record<string, unknown>, options: { key?: KeyObject; kid?: string } = {}): Promise<string> {
    const jose = await import('jose');
    const now = Math.floor(Date.now() / 1000);
    return new jose.SignJWT({ iss: 'https://accounts.google.com', iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? this.kid, typ: 'JWT' })
      .sign(options.key ?? this.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
