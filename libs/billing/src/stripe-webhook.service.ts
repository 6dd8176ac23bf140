import { Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { AuditService } from '@app/audit';
import { DatabaseService, ServiceUnavailableError, ValidationError, serializeError, type Tx } from '@app/platform';
import { BillingRepository } from './billing.repository';
import type { InvoiceStatus } from './billing.table';
import { BILLING_NOT_CONFIGURED, StripeGateway } from './stripe.gateway';

/** Signature tolerance (security.md W1): older or newer than this → 400. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const STATUS_MAP: Record<string, InvoiceStatus> = { draft: 'draft', open: 'pending', paid: 'paid', uncollectible: 'overdue', void: 'void' };

/**
 * POST /v1/stripe/webhook. The signature is checked on the raw bytes (constant-time compare in the
 * SDK; several v1 signatures accepted; |now − t| ≤ 300 s), before anything is parsed. The event id
 * is claimed in `stripe_events` in the same transaction as its effect: a duplicate (even
 * concurrent) is acknowledged without a second effect, and a failed handler rolls the claim back
 * and answers 5xx so Stripe retries. Order independence: invoice events re-read the invoice from
 * Stripe and apply its current state, so a late `invoice.finalized` cannot undo `invoice.paid`.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger('StripeWebhook');

  constructor(
    private readonly database: DatabaseService,
    private readonly repo: BillingRepository,
    private readonly gateway: StripeGateway,
    private readonly audit: AuditService,
  ) {}

  verify(raw: Buffer | undefined, signature: string | undefined, nowSeconds = Math.floor(Date.now() / 1000)): Stripe.Event {
    const secret = this.gateway.webhookSecret;
    if (!this.gateway.configured || !secret) throw new ServiceUnavailableError(BILLING_NOT_CONFIGURED, 'BillingNotConfigured');
    if (!Buffer.isBuffer(raw) || !signature || signature.length > 4096)
      throw new ValidationError('Webhook Error: missing body or Stripe-Signature header', 'WebhookSignature');
    const t = /(?:^|,)t=(\d+)(?:,|$)/.exec(signature)?.[1];
    if (!t || Math.abs(nowSeconds - Number(t)) > WEBHOOK_TOLERANCE_SECONDS)
      throw new ValidationError('Webhook Error: timestamp outside the tolerance zone', 'WebhookSignature');
    try {
      return this.gateway.stripe().webhooks.constructEvent(raw, signature, secret, WEBHOOK_TOLERANCE_SECONDS);
    } catch {
      throw new ValidationError('Webhook Error: signature verification failed', 'WebhookSignature');
    }
  }

  /** Handles a verified event once; returns whether it was new. Throws (→ 5xx) when the effect failed. */
  async handle(event: Stripe.Event): Promise<{ received: true; duplicate: boolean }> {
    try {
      const fresh = await this.database.transaction(async (tx) => {
        if (!(await this.repo.claimEvent(event.id, event.type, tx))) return false;
        await this.apply(event, tx);
        return true;
      });
      return { received: true, duplicate: !fresh };
    } catch (err) {
      this.logger.warn({
        msg: 'stripe webhook handler failed; Stripe will retry',
        eventId: event.id,
        type: event.type,
        err: serializeError(err),
      });
      throw new ServiceUnavailableError('Webhook handler failed; please retry', 'WebhookHandlerFailed');
    }
  }

  private async apply(event: Stripe.Event, tx: Tx): Promise<void> {
    if (event.type.startsWith('invoice.')) {
      const id = (event.data.object as { id?: string }).id;
      if (id) await this.syncInvoice(id, tx);
      return;
    }
    if (event.type === 'payment_method.detached') {
      const pm = event.data.object;
      await this.repo.deletePaymentMethodByStripeId(pm.id, tx);
    }
  }

  /** Re-reads the invoice from Stripe (current state, whatever the delivery order) and mirrors it. */
  private async syncInvoice(stripeInvoiceId: string, tx: Tx): Promise<void> {
    const remote = await this.gateway.stripe().invoices.retrieve(stripeInvoiceId);
    const localId = remote.metadata?.invoiceId;
    const local = (await this.repo.invoiceByStripeId(remote.id, tx)) ?? (localId ? await this.repo.invoiceById(localId, tx) : undefined);
    if (!local) return;
    // A draft is our push in progress (InvoiceService.syncToStripe finalizes it): the local status stays.
    const status = remote.status === 'draft' ? local.status : (STATUS_MAP[remote.status ?? ''] ?? local.status);
    const paidAtSeconds = remote.status_transitions?.paid_at;
    await this.repo.updateInvoice(
      local.id,
      {
        status,
        stripeInvoiceId: remote.id,
        stripeSynced: local.stripeSynced || remote.status !== 'draft',
        stripeSyncedAt: new Date(),
        paidAt: status === 'paid' ? (paidAtSeconds ? new Date(paidAtSeconds * 1000) : (local.paidAt ?? new Date())) : local.paidAt,
      },
      tx,
    );
    if (status !== local.status) {
      await this.audit.record(
        {
          action: 'billing.invoice.status',
          resourceType: 'invoice',
          resourceIds: [local.id],
          orgId: local.orgId,
          outcome: 'success',
          reason: status,
          actor: null,
        },
        tx,
      );
    }
  }
}
