import { translate, type Locale } from './locales';
import type { MailMessage } from './mail.types';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** `<base><path>?token=<token>`: every link in our e-mails carries its token as the `token` query parameter. */
export function tokenLink(frontendUrl: string, path: string, token: string): string {
  const url = new URL(frontendUrl.replace(/\/+$/, '') + path);
  url.searchParams.set('token', token);
  return url.toString();
}

interface Layout {
  locale: Locale;
  to: string;
  name: string | undefined;
  subject: string;
  paragraphs: string[];
  button: string;
  link: string;
  template: string;
}

function render(layout: Layout): MailMessage {
  const greeting = layout.name
    ? translate(layout.locale, 'greeting', { name: layout.name })
    : translate(layout.locale, 'greetingAnonymous');
  const dir = layout.locale === 'ar' ? 'rtl' : 'ltr';
  const text = [greeting, '', ...layout.paragraphs.flatMap((p) => [p, '']), `${layout.button}: ${layout.link}`, ''].join('\n');
  const html = `<!doctype html><html lang="${layout.locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(layout.subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2937;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">
<p>${escapeHtml(greeting)}</p>
${layout.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p><a href="${escapeHtml(layout.link)}" style="display:inline-block;background:#2563eb;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none">${escapeHtml(layout.button)}</a></p>
<p style="font-size:12px;color:#6b7280">${escapeHtml(layout.link)}</p>
</body></html>`;
  return { to: layout.to, subject: layout.subject, text, html, template: layout.template };
}

export interface LinkMailInput {
  to: string;
  name?: string;
  locale: Locale;
  link: string;
}

export function verifyEmailMessage(input: LinkMailInput): MailMessage {
  return render({
    ...input,
    name: input.name,
    subject: translate(input.locale, 'verifySubject'),
    paragraphs: [translate(input.locale, 'verifyText'), translate(input.locale, 'verifyExpiry', { hours: 24 })],
    button: translate(input.locale, 'verifyButton'),
    template: 'verify-email',
  });
}

export function resetPasswordMessage(input: LinkMailInput): MailMessage {
  return render({
    ...input,
    name: input.name,
    subject: translate(input.locale, 'resetSubject'),
    paragraphs: [translate(input.locale, 'resetText'), translate(input.locale, 'resetExpiry'), translate(input.locale, 'resetIgnore')],
    button: translate(input.locale, 'resetButton'),
    template: 'reset-password',
  });
}

export function inviteMessage(input: LinkMailInput & { orgName: string }): MailMessage {
  return render({
    ...input,
    name: input.name,
    subject: translate(input.locale, 'inviteSubject', { org: input.orgName }),
    paragraphs: [translate(input.locale, 'inviteText', { org: input.orgName }), translate(input.locale, 'inviteExpiry')],
    button: translate(input.locale, 'inviteButton'),
    template: 'invite',
  });
}

/** A care alert for a caregiver: what happened in general terms and a link; no transcript, no phrase. */
export function careAlertMessage(input: LinkMailInput & { kind: 'emergency' | 'missed'; patient: string; severity: string }): MailMessage {
  const emergency = input.kind === 'emergency';
  return render({
    locale: input.locale,
    to: input.to,
    name: input.name,
    link: input.link,
    subject: translate(input.locale, emergency ? 'alertSubject' : 'missedSubject'),
    paragraphs: [translate(input.locale, emergency ? 'alertText' : 'missedText', { patient: input.patient, severity: input.severity })],
    button: translate(input.locale, 'alertButton'),
    template: emergency ? 'care-alert-emergency' : 'care-alert-missed',
  });
}

/** The page `GET /auth/verify-email` shows in HTML mode; the client extracts `<p class="message">`. */
export function verificationPage(
  locale: Locale,
  outcome: 'verified' | 'already-verified' | 'failed',
  frontendUrl: string,
  detail?: string,
): string {
  const title =
    outcome === 'verified'
      ? translate(locale, 'pageVerifiedTitle')
      : outcome === 'already-verified'
        ? translate(locale, 'pageAlreadyVerifiedTitle')
        : translate(locale, 'pageFailedTitle');
  const message =
    outcome === 'verified'
      ? translate(locale, 'pageVerifiedMessage')
      : outcome === 'already-verified'
        ? translate(locale, 'pageAlreadyVerifiedMessage')
        : (detail ?? translate(locale, 'pageFailedMessage'));
  const button = outcome === 'failed' ? translate(locale, 'pageLogin') : translate(locale, 'pageContinue');
  const target = outcome === 'failed' ? `${frontendUrl}/login` : frontendUrl;
  const dir = locale === 'ar' ? 'rtl' : 'ltr';
  return `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:Arial,Helvetica,sans-serif;display:flex;justify-content:center;padding:48px 16px;color:#1f2937;background:#f9fafb}@media (prefers-color-scheme:dark){body{color:#f9fafb;background:#111827}}main{max-width:480px;text-align:center}a{display:inline-block;margin-top:16px;background:#2563eb;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none}</style></head>
<body><main><h1 class="title">${escapeHtml(title)}</h1><p class="message">${escapeHtml(message)}</p><a href="${escapeHtml(target)}">${escapeHtml(button)}</a></main></body></html>`;
}
