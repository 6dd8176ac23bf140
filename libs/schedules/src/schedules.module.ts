import { Module, type OnModuleInit } from '@nestjs/common';
import { OrgsModule } from '@app/orgs';
import { PatientExtensions, PatientsModule } from '@app/patients';
import { ScheduleController } from './schedule.controller';
import { ScheduleEvents } from './schedule.events';
import { ScheduleRepository } from './schedule.repository';
import { ScheduleService } from './schedule.service';

/** Recurring call schedules; embeds ScheduleDTOs into PatientDTOs through PatientExtensions. */
@Module({
  imports: [OrgsModule, PatientsModule],
  controllers: [ScheduleController],
  providers: [ScheduleRepository, ScheduleService, ScheduleEvents],
  exports: [ScheduleService, ScheduleEvents],
})
export class SchedulesModule implements OnModuleInit {
  constructor(
    private readonly patientExtensions: PatientExtensions,
    private readonly schedules: ScheduleService,
  ) {}

  onModuleInit(): void {
    this.patientExtensions.register({
      schedulesOf: (orgId, patientIds, tx) => this.schedules.schedulesOf(orgId, patientIds, tx),
      createSchedules: (patient, bodies, tx) => this.schedules.createForPatient(patient, bodies, tx),
      updateSchedules: (patient, bodies, tx) => this.schedules.updateForPatient(patient, bodies, tx),
      onPatientsDeleted: (orgId, patientIds, tx) => this.schedules.deleteOfPatients(orgId, patientIds, tx),
    });
  }
}
