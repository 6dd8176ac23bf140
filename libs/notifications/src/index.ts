// Public door of @app/notifications: mail and SMS ports, their drivers, templates and locales.
export * from './mail.types';
export * from './notification.service';
export * from './notifications.module';
export { LOCALES, isLocale, resolveLocale, translate, type Locale } from './locales';
export { verificationPage, tokenLink } from './templates';
export { readOutbox, type OutboxEntry } from './outbox';
export { SmtpMailTransport, OutboxMailTransport } from './mail.drivers';
export { TwilioSmsTransport, OutboxSmsTransport } from './sms.drivers';
