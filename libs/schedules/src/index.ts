// Public door of @app/schedules: recurring call schedules.
//
// For the call dispatcher (voice issue):
//   - ScheduleService.dueSlots(from, to) → [{scheduleId, orgId, patientId, at}] of every active schedule;
//   - ScheduleService.nextOccurrence(row, after), find(orgId, id) (re-read before dialling);
//   - ScheduleService.onChange(listener) / ScheduleEvents: created/updated/deleted after commit,
//     to (re)register BullMQ job schedulers;
//   - the pure recurrence functions (occurrencesBetween, nextOccurrence, wallTimeInstant).
export * from './schedules.module';
export { ScheduleService, recurrenceOf, SCHEDULE_NOT_FOUND, type DueSlot } from './schedule.service';
export { ScheduleEvents, type ScheduleChange, type ScheduleListener } from './schedule.events';
export { ScheduleResponse } from './schedule.dto';
export type { ScheduleRow } from './schedule.table';
export * from './recurrence';
