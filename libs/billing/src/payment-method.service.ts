import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { AuthActor } from '@app/auth';
import { AuditService } from '@app/audit';
import { OrgService, type OrgRow } from '@app/orgs';
import { DatabaseService, NotFoundError, ServiceUnavailableError, ValidationError } from '@app/platform';
import { BillingRepository } from './billing.repository';
import type { PaymentMethodRow } from './billing.table';
import { BILLING_NOT_CONFIGURED, StripeGateway } from './stripe.gateway';
import { ORG_NOT_FOUND } from './invoice.service';

export const PAYMENT_METHOD_NOT_FOUND = 'Payment method not found';
export const CANNOT_DETACH_DEFAULT = 'Cannot detach the default payment method. Set another payment method as default first.';

/**
 * §2.13: Stripe customer per org (created lazily, idempotency key `customer:<orgId>`), payment
 * methods attached to it and mirrored locally (default-first), default mirrored to Stripe's
 * `invoice_settings.default_payment_method`. Checks run: org (404) → payment method (404) →
 * Stripe configured (503).
 */
@Injectable()
export class PaymentMethodService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: BillingRepository,
    private readonly orgs: OrgService,
    private readonly gateway: StripeGateway,
    private readonly audit: AuditService,
  ) {}

  publishableKey(): { publishableKey: string; mode: 'test' | 'live' } {
    const key = this.gateway.configured ? this.gateway.publishableKey : undefined;
    if (!key) throw new ServiceUnavailableError(BILLING_NOT_CONFIGURED, 'BillingNotConfigured');
    return { publishableKey: key, mode: this.gateway.mode };
  }

  async attach(actor: AuthActor, orgId: string, stripePaymentMethodId: string): Promise<PaymentMethodRow> {
    const org = await this.org(actor, orgId);
    this.requireStripe();
    const customer = await this.ensureCustomer(org);
    const pm = await this.gateway.call(async (stripe) => {
      const attached = await stripe.paymentMethods.attach(
        stripePaymentMethodId,
        { customer },
        { idempotencyKey: `pm-attach:${org.id}:${stripePaymentMethodId}` },
      );
      return attached;
    });
    const row = await this.database.transaction(async (tx) => {
      const existing = await this.repo.paymentMethodsOf(org.id, tx);
      const first = existing.filter((e) => e.stripePaymentMethodId !== pm.id).length === 0;
      const saved = await this.repo.upsertPaymentMethod({ orgId: org.id, ...this.fields(pm), isDefault: first }, tx);
      await this.audit.record(
        {
          action: 'billing.payment_method.attach',
          resourceType: 'payment_method',
          resourceIds: [saved.id],
          orgId: org.id,
          outcome: 'success',
        },
        tx,
      );
      return saved;
    });
    if (row.isDefault) await this.pushDefault(customer, row.stripePaymentMethodId);
    return row;
  }

  async list(actor: AuthActor, orgId: string): Promise<PaymentMethodRow[]> {
    const org = await this.org(actor, orgId);
    this.requireStripe();
    return this.repo.paymentMethodsOf(org.id);
  }

  async get(actor: AuthActor, orgId: string, id: string): Promise<PaymentMethodRow> {
    const org = await this.org(actor, orgId, PAYMENT_METHOD_NOT_FOUND);
    const row = await this.find(org.id, id);
    this.requireStripe();
    return row;
  }

  async setDefault(actor: AuthActor, orgId: string, id: string): Promise<PaymentMethodRow> {
    const org = await this.org(actor, orgId, PAYMENT_METHOD_NOT_FOUND);
    const row = await this.find(org.id, id);
    this.requireStripe();
    const customer = await this.ensureCustomer(org);
    await this.pushDefault(customer, row.stripePaymentMethodId);
    await this.database.transaction(async (tx) => {
      await this.repo.setDefault(org.id, row.id, tx);
      await this.audit.record(
        {
          action: 'billing.payment_method.default',
          resourceType: 'payment_method',
          resourceIds: [row.id],
          orgId: org.id,
          outcome: 'success',
        },
        tx,
      );
    });
    return { ...row, isDefault: true };
  }

  /** Detach; the default is replaced by the newest other method first; the only (default) one cannot go. */
  async detach(actor: AuthActor, orgId: string, id: string): Promise<void> {
    const org = await this.org(actor, orgId, PAYMENT_METHOD_NOT_FOUND);
    const row = await this.find(org.id, id);
    this.requireStripe();
    const others = (await this.repo.paymentMethodsOf(org.id)).filter((p) => p.id !== row.id);
    if (row.isDefault && others.length === 0) throw new ValidationError(CANNOT_DETACH_DEFAULT, 'DefaultPaymentMethod');
    if (row.isDefault && others[0] && org.stripeCustomerId) await this.pushDefault(org.stripeCustomerId, others[0].stripePaymentMethodId);
    await this.gateway.call((stripe) =>
      stripe.paymentMethods.detach(row.stripePaymentMethodId, {}, { idempotencyKey: `pm-detach:${row.id}` }),
    );
    await this.database.transaction(async (tx) => {
      await this.repo.deletePaymentMethod(org.id, row.id, tx);
      if (row.isDefault && others[0]) await this.repo.setDefault(org.id, others[0].id, tx);
      await this.audit.record(
        {
          action: 'billing.payment_method.detach',
          resourceType: 'payment_method',
          resourceIds: [row.id],
          orgId: org.id,
          outcome: 'success',
        },
        tx,
      );
    });
  }

  async setupIntent(actor: AuthActor, orgId: string, requestKey?: string): Promise<{ clientSecret: string; id: string }> {
    const org = await this.org(actor, orgId);
    this.requireStripe();
    const customer = await this.ensureCustomer(org);
    const intent = await this.gateway.call((stripe) =>
      stripe.setupIntents.create(
        { customer, usage: 'off_session', metadata: { orgId: org.id } },
        requestKey
          ? { idempotencyKey: `setup-intent:${org.id}:${requestKey}` }
          : { idempotencyKey: `setup-intent:${org.id}:${randomUUID()}` },
      ),
    );
    return { clientSecret: intent.client_secret ?? '', id: intent.id };
  }

  /** The org's Stripe customer, created once (idempotency key per org) and stored on the org. */
  async ensureCustomer(org: OrgRow): Promise<string> {
    if (org.stripeCustomerId) return org.stripeCustomerId;
    const customer = await this.gateway.call((stripe) =>
      stripe.customers.create({ name: org.name, metadata: { orgId: org.id } }, { idempotencyKey: `customer:${org.id}` }),
    );
    await this.orgs.patchTrusted(org.id, { stripeCustomerId: customer.id });
    return customer.id;
  }

  private async pushDefault(customer: string, stripePaymentMethodId: string): Promise<void> {
    await this.gateway.call((stripe) =>
      stripe.customers.update(
        customer,
        { invoice_settings: { default_payment_method: stripePaymentMethodId } },
        // A fresh key per change (setting X, then Y, then X again must really happen); SDK retries reuse it.
        { idempotencyKey: `customer-default:${customer}:${stripePaymentMethodId}:${randomUUID()}` },
      ),
    );
  }

  private fields(pm: Stripe.PaymentMethod): Omit<PaymentMethodRow, 'id' | 'orgId' | 'isDefault' | 'createdAt'> {
    const bank = pm.us_bank_account;
    return {
      stripePaymentMethodId: pm.id,
      type: pm.type,
      brand: pm.card?.brand ?? null,
      last4: pm.card?.last4 ?? bank?.last4 ?? null,
      expMonth: pm.card?.exp_month ?? null,
      expYear: pm.card?.exp_year ?? null,
      bankName: bank?.bank_name ?? null,
      accountType: bank?.account_type ?? null,
      billingDetails: (pm.billing_details ?? {}) as unknown as Record<string, unknown>,
      metadata: pm.metadata ?? {},
    };
  }

  private requireStripe(): void {
    if (!this.gateway.configured) throw new ServiceUnavailableError(BILLING_NOT_CONFIGURED, 'BillingNotConfigured');
  }

  private async find(orgId: string, id: string): Promise<PaymentMethodRow> {
    const row = await this.repo.paymentMethodInOrg(orgId, id);
    if (!row) throw new NotFoundError(PAYMENT_METHOD_NOT_FOUND, 'PaymentMethodNotFound');
    return row;
  }

  /** The org in the caller's reach; on routes addressing one method, a missing org answers like a missing method. */
  private async org(actor: AuthActor, orgId: string, notFound = ORG_NOT_FOUND): Promise<OrgRow> {
    const org = await this.orgs.find(orgId);
    if (!org || (actor.role !== 'superAdmin' && actor.orgId !== org.id)) {
      throw notFound === ORG_NOT_FOUND
        ? new NotFoundError(ORG_NOT_FOUND, 'OrgNotFound')
        : new NotFoundError(notFound, 'PaymentMethodNotFound');
    }
    return org;
  }
}
