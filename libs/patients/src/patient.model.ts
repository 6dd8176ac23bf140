import { Injectable } from '@nestjs/common';
import { FieldCipher, normalizeEmail, normalizeName } from '@app/platform';
import { toE164 } from '@app/caregivers';
import type { PatientRow } from './patient.table';

/** Languages a patient can be called in (the contract's list, plus `ko` which the caregiver UI has). */
export const PATIENT_LANGUAGES = ['en', 'es', 'fr', 'de', 'zh', 'ja', 'pt', 'it', 'ru', 'ar'] as const;
export type PatientLanguage = (typeof PATIENT_LANGUAGES)[number];

/** A patient as the domain sees it: decrypted, with its caregiver ids. Never logged. */
export interface Patient {
  id: string;
  orgId: string;
  name: string;
  email: string | null;
  phone: string;
  /** E.164 form of `phone` when it has one (calls dial this). */
  phoneE164: string | null;
  preferredName: string | null;
  dateOfBirth: string | null;
  address: string | null;
  notes: string | null;
  medications: string[];
  conditions: string[];
  avatar: string | null;
  preferredLanguage: string;
  isEmailVerified: boolean;
  lastContactAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  caregiverIds: string[];
}

/** The PHI fields as plaintext, for writes. */
export interface PatientPhi {
  name: string;
  email: string | null;
  phone: string;
  preferredName: string | null;
  dateOfBirth: string | null;
  address: string | null;
  notes: string | null;
  medications: string[] | null;
  conditions: string[] | null;
}

export const PATIENT_TABLE = 'patients';

/** Blind-index purposes (per org, separate HMAC keys from the encryption key). */
export const PATIENT_INDEX = { name: 'patient.name', email: 'patient.email', phone: 'patient.phone' } as const;

/**
 * Encrypts/decrypts the PHI columns of `patients` and computes their blind indexes. AAD binds each
 * value to (patients, column, row id, org id): a ciphertext copied to another row fails to decrypt.
 */
@Injectable()
export class PatientCrypto {
  constructor(private readonly cipher: FieldCipher) {}

  private ctx(column: string, id: string, orgId: string) {
    return { table: PATIENT_TABLE, column, rowId: id, orgId };
  }

  encryptField(column: keyof PatientPhi, value: string | null, id: string, orgId: string): string | null {
    return this.cipher.encryptNullable(value, this.ctx(column, id, orgId));
  }

  encryptList(column: 'medications' | 'conditions', value: string[] | null, id: string, orgId: string): string | null {
    return value === null ? null : this.cipher.encryptJson(value, this.ctx(column, id, orgId));
  }

  nameIndex(name: string, orgId: string): string {
    return this.cipher.blindIndex(PATIENT_INDEX.name, normalizeName(name), orgId);
  }

  nameIndexes(name: string, orgId: string): string[] {
    return this.cipher.blindIndexes(PATIENT_INDEX.name, normalizeName(name), orgId);
  }

  emailIndex(email: string, orgId: string): string {
    return this.cipher.blindIndex(PATIENT_INDEX.email, normalizeEmail(email), orgId);
  }

  emailIndexes(email: string, orgId: string): string[] {
    return this.cipher.blindIndexes(PATIENT_INDEX.email, normalizeEmail(email), orgId);
  }

  /** Null when the number has no E.164 form (it can then not be matched on inbound calls). */
  phoneIndex(phone: string, orgId: string): string | null {
    const e164 = toE164(phone);
    return e164 ? this.cipher.blindIndex(PATIENT_INDEX.phone, e164, orgId) : null;
  }

  phoneIndexes(e164: string, orgId: string): string[] {
    return this.cipher.blindIndexes(PATIENT_INDEX.phone, e164, orgId);
  }

  decrypt(row: PatientRow, caregiverIds: string[]): Patient {
    const d = (column: string, value: string | null): string | null =>
      this.cipher.decryptNullable(value, this.ctx(column, row.id, row.orgId));
    const list = (column: string, value: string | null): string[] =>
      value === null ? [] : this.cipher.decryptJson<string[]>(value, this.ctx(column, row.id, row.orgId));
    const phone = d('phone', row.phone) ?? '';
    return {
      id: row.id,
      orgId: row.orgId,
      name: d('name', row.name) ?? '',
      email: d('email', row.email),
      phone,
      phoneE164: toE164(phone) ?? null,
      preferredName: d('preferredName', row.preferredName),
      dateOfBirth: d('dateOfBirth', row.dateOfBirth),
      address: d('address', row.address),
      notes: d('notes', row.notes),
      medications: list('medications', row.medications),
      conditions: list('conditions', row.conditions),
      avatar: row.avatar,
      preferredLanguage: row.preferredLanguage,
      isEmailVerified: row.isEmailVerified,
      lastContactAt: row.lastContactAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      caregiverIds,
    };
  }
}
