import { Module } from '@nestjs/common';
import { OrgRepository } from './org.repository';
import { OrgService } from './org.service';

@Module({ providers: [OrgRepository, OrgService], exports: [OrgService] })
export class OrgsModule {}
