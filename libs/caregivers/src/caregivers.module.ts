import { Module } from '@nestjs/common';
import { CaregiverRepository } from './caregiver.repository';
import { CaregiverService } from './caregiver.service';

@Module({ providers: [CaregiverRepository, CaregiverService], exports: [CaregiverService] })
export class CaregiversModule {}
