import { Injectable } from '@nestjs/common';
import type { SocketActivity, SocketAuthenticator, SocketHandshake, SocketPrincipal } from './realtime.types';

/** Holds the socket authenticator the identity module plugs in; denies all until then. */
@Injectable()
export class SocketAuthRegistry {
  private authenticator: SocketAuthenticator | undefined;

  use(authenticator: SocketAuthenticator): void {
    this.authenticator = authenticator;
  }

  async authenticate(handshake: SocketHandshake): Promise<SocketPrincipal | null> {
    return this.authenticator ? this.authenticator.authenticate(handshake) : null;
  }

  /** A client event on an authenticated socket; without an activity hook the socket stays as it is. */
  async activity(principal: SocketPrincipal): Promise<SocketActivity> {
    return this.authenticator?.activity ? this.authenticator.activity(principal) : { alive: true };
  }
}
