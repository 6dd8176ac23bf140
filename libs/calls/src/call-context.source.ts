import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuditService } from '@app/audit';
import { ConversationService } from '@app/conversations';
import { OrgService } from '@app/orgs';
import { PatientService } from '@app/patients';
import { Clock, ValidationError } from '@app/platform';
import type { CallContext, CallContextSource } from '@app/voice';
import { CallDirectory } from './call-directory';

const RECENT_CALLS = 3;

const PURPOSE: Record<string, string> = {
  manual: 'a wellness check-in a caregiver asked for',
  schedule: 'the scheduled daily wellness check-in',
  retry: 'the scheduled daily wellness check-in (an earlier attempt was not answered)',
  inbound: 'the patient called the service: listen to why they are calling and help warmly',
};

/**
 * Loads what the AI needs for one call: the patient (first/preferred name, language, medications,
 * conditions, caregiver notes), the org's timezone and local time, summaries of recent calls and
 * the purpose. Reading this PHI is audited (system actor, the call's patient).
 */
@Injectable()
export class CareCallContextSource implements CallContextSource {
  constructor(
    private readonly directory: CallDirectory,
    private readonly patients: PatientService,
    private readonly orgs: OrgService,
    private readonly conversations: ConversationService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async load(callId: string): Promise<CallContext> {
    const owner = await this.directory.owner(callId);
    const [patient, org, conversation] = await Promise.all([
      this.patients.get(owner.orgId, owner.patientId),
      this.orgs.get(owner.orgId),
      this.conversations.find(owner.orgId, callId),
    ]);
    const direction = owner.trigger === 'inbound' ? 'inbound' : 'outbound';
    const phoneNumber = patient.phoneE164 ?? '';
    if (direction === 'outbound' && phoneNumber === '')
      throw new ValidationError('Patient does not have a phone number', 'PatientWithoutPhone');
    const recent = await this.conversations.recentSummaries(owner.orgId, owner.patientId, RECENT_CALLS + 1);
    const zone = org.timezone;
    const language = patient.preferredLanguage || 'en';
    const now = DateTime.fromJSDate(this.clock.now()).setZone(zone);
    await this.audit.record({
      action: 'call.context.read',
      resourceType: 'patient',
      resourceIds: [patient.id],
      patientIds: [patient.id],
      orgId: owner.orgId,
      outcome: 'success',
    });
    return {
      callId,
      patientId: patient.id,
      orgId: owner.orgId,
      direction,
      phoneNumber,
      ...(direction === 'inbound' && conversation?.callSid ? { inboundRef: conversation.callSid } : {}),
      preferredLanguage: language,
      firstName: patient.preferredName || patient.name.split(/\s+/)[0] || patient.name,
      timezone: zone,
      localDateTime: now.setLocale(language).toFormat('cccc d LLLL yyyy, HH:mm'),
      medications: patient.medications,
      conditions: patient.conditions,
      caregiverNotes: patient.notes ? [patient.notes] : [],
      recentCalls: recent
        .filter((r) => r.startTime.getTime() < (conversation?.startTime.getTime() ?? Infinity))
        .slice(0, RECENT_CALLS)
        .reverse()
        .map((r) => ({ date: DateTime.fromJSDate(r.startTime).setZone(zone).toISODate() ?? '', summary: r.summary })),
      purpose: PURPOSE[owner.trigger] ?? PURPOSE.manual,
    };
  }
}
