import { Injectable } from '@nestjs/common';
import { ValidationError, type DbOrTx } from '@app/platform';
import { hash, verify } from '@node-rs/argon2';
import { isCommonPassword } from './common-passwords';
import { CredentialRepository } from './credential.repository';

export const PASSWORD_HISTORY = 10;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_LENGTH_MESSAGE = 'password must be at least 8 characters';
export const PASSWORD_CHARSET_MESSAGE = 'password must contain at least 1 letter and 1 number';

/** The client's rule, as the client words it; the common-list and history checks come after. */
export function passwordRuleProblem(password: string): string | undefined {
  if (typeof password !== 'string' || password.length < 8) return PASSWORD_LENGTH_MESSAGE;
  if (password.length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return PASSWORD_CHARSET_MESSAGE;
  return undefined;
}

// A valid argon2id hash of a random string: verifying against it gives unknown e-mails the same cost.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$k7ElpgfaDAYFqCRaZSde0A$8bXn7ZKPXkY3MFgM0DQE9PcyPCIHMH49nDIVyQ5NF/0';

/**
 * argon2id with OWASP's parameters (m=19 MiB, t=2, p=1 — the library defaults), computed on
 * libuv's thread pool by @node-rs/argon2, so hashing never blocks the event loop.
 */
@Injectable()
export class PasswordService {
  constructor(private readonly credentials: CredentialRepository) {}

  hash(password: string): Promise<string> {
    return hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  }

  async verify(passwordHash: string | null | undefined, password: string): Promise<boolean> {
    if (!passwordHash) {
      await verify(DUMMY_HASH, password).catch(() => false);
      return false;
    }
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** 400 with the client's messages, then the common-password check. */
  assertAcceptable(password: string): void {
    const problem = passwordRuleProblem(password);
    if (problem) throw new ValidationError(problem, 'WeakPassword');
    if (isCommonPassword(password))
      throw new ValidationError('password is too common; please choose a less predictable one', 'CommonPassword');
  }

  /** Hash for a new password of an existing account: policy, then not one of the last 10. */
  async hashNewPassword(caregiverId: string, password: string, tx?: DbOrTx): Promise<string> {
    this.assertAcceptable(password);
    const recent = await this.credentials.recentPasswordHashes(caregiverId, PASSWORD_HISTORY, tx);
    for (const previous of recent) {
      if (await this.verify(previous, password)) {
        throw new ValidationError(`password must not be one of your last ${PASSWORD_HISTORY} passwords`, 'PasswordReused');
      }
    }
    return this.hash(password);
  }

  remember(caregiverId: string, passwordHash: string, tx?: DbOrTx): Promise<void> {
    return this.credentials.pushPasswordHash(caregiverId, passwordHash, PASSWORD_HISTORY, tx);
  }
}
