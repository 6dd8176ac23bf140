// Public door of @app/patients: patient records (PHI) and caregiver assignment.
//
// For other domains:
//   - PatientService.access(actor, patientId, action) → Patient (404 other org/missing, 403 not allowed);
//   - PatientService.find/get(orgId, id) (trusted: jobs, voice), findByPhone(e164, orgIds?) for
//     inbound calls, visibleIds(actor), touchLastContact(orgId, id, at);
//   - PatientExtensions.register({...}) to embed schedules in PatientDTO and follow deletions.
export * from './patients.module';
export { PatientService, orgOf, PATIENT_NOT_FOUND, type PatientInput, type PatientChanges } from './patient.service';
export { PatientExtensions, type PatientExtension, type AfterCommit } from './patient-extensions';
export { PatientHttpService } from './patient-http.service';
export { PATIENT_LANGUAGES, type Patient, type PatientLanguage } from './patient.model';
export { PatientResponse } from './patient.dto';
