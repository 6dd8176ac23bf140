import { maskPhone, toE164 } from '@app/caregivers';
import type { Patient } from './patient.model';
import type { PatientResponse } from './patient.dto';

/**
 * "Minimum necessary" (contract §1.9, security.md Z3): the field set depends on the caller's role,
 * but always keeps `id`, `org`, `caregivers` and `schedules`, which the client needs.
 *   - staff: no e-mail, phone, date of birth or address (care fields stay: they look after the
 *     patient and staff only ever see patients assigned to them);
 *   - orgAdmin: everything; in list answers the phone is masked (D5).
 */
export type PatientView = 'staff' | 'admin';

export function viewFor(role: string): PatientView {
  return role === 'orgAdmin' ? 'admin' : 'staff';
}

export function patientResponse(p: Patient, schedules: unknown[], view: PatientView, list = false): PatientResponse {
  const base: PatientResponse = {
    id: p.id,
    _id: p.id,
    name: p.name,
    preferredName: p.preferredName,
    avatar: p.avatar,
    preferredLanguage: p.preferredLanguage,
    language: p.preferredLanguage,
    isEmailVerified: p.isEmailVerified,
    org: p.orgId,
    caregivers: p.caregiverIds,
    assignedCaregivers: p.caregiverIds,
    schedules,
    notes: p.notes,
    medications: p.medications,
    conditions: p.conditions,
    status: 'active',
    lastContact: p.lastContactAt ? p.lastContactAt.toISOString() : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
  if (view === 'staff') return base;
  const phone = list ? maskPhone(toE164(p.phone) ?? p.phone) : p.phone;
  return { ...base, email: p.email, phone, dateOfBirth: p.dateOfBirth, address: p.address };
}
