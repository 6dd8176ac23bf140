import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { AppConfig, ConflictError, DomainError, ServiceUnavailableError, ValidationError } from '@app/platform';

export const BILLING_NOT_CONFIGURED = 'Billing is not configured';

/**
 * The one door to Stripe. Built from AppConfig (`STRIPE_API_BASE_URL` points the SDK at the local
 * fake in tests); every write carries an Idempotency-Key derived from a business key, so a retry
 * (job, webhook, client) never creates a second object or charge. Without STRIPE_SECRET_KEY every
 * call answers 503 `Billing is not configured`.
 */
@Injectable()
export class StripeGateway {
  private client: Stripe | undefined;

  constructor(private readonly config: AppConfig) {}

  get configured(): boolean {
    return this.config.stripe.secretKey !== undefined && this.config.stripe.secretKey !== '';
  }

  get publishableKey(): string | undefined {
    return this.config.stripe.publishableKey || undefined;
  }

  get webhookSecret(): string | undefined {
    return this.config.stripe.webhookSecret || undefined;
  }

  get mode(): 'test' | 'live' {
    return this.config.stripe.secretKey?.startsWith('sk_live_') || this.config.stripe.publishableKey?.startsWith('pk_live_')
      ? 'live'
      : 'test';
  }

  /** The SDK client; 503 when billing is not configured. */
  stripe(): Stripe {
    if (!this.configured) throw new ServiceUnavailableError(BILLING_NOT_CONFIGURED, 'BillingNotConfigured');
    if (!this.client) {
      const url = new URL(this.config.stripe.apiBaseUrl);
      this.client = new Stripe(this.config.stripe.secretKey as string, {
        host: url.hostname,
        port: url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443,
        protocol: url.protocol === 'http:' ? 'http' : 'https',
        maxNetworkRetries: 2,
        timeout: 20_000,
        telemetry: false,
      });
    }
    return this.client;
  }

  /** Runs a Stripe call and maps its errors to domain errors (card/request → 400, idempotency → 409, else 503). */
  async call<T>(work: (stripe: Stripe) => Promise<T>): Promise<T> {
    const stripe = this.stripe();
    try {
      return await work(stripe);
    } catch (err) {
      throw mapStripeError(err);
    }
  }
}

export function mapStripeError(err: unknown): Error {
  if (err instanceof DomainError) return err;
  if (err instanceof Stripe.errors.StripeCardError) return new ValidationError(`Card error: ${err.message}`, 'StripeCardError');
  if (err instanceof Stripe.errors.StripeIdempotencyError)
    return new ConflictError(`Stripe idempotency conflict: ${err.message}`, 'StripeIdempotency');
  if (err instanceof Stripe.errors.StripeInvalidRequestError)
    return new ValidationError(`Invalid request: ${err.message}`, 'StripeInvalidRequest');
  return new ServiceUnavailableError('The payment provider is unavailable, please try again later.', 'StripeUnavailable');
}
