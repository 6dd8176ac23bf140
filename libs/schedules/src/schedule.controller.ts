import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated, CurrentActor, RequirePermission, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam } from '@app/platform';
import { CreateScheduleDto, PatchScheduleDto, ReplaceScheduleDto, ScheduleResponse } from './schedule.dto';
import { ScheduleService } from './schedule.service';

/** §2.8. Access follows the patient: staff only for patients assigned to them. */
@ApiTags('schedules')
@Controller('schedules')
@Authenticated()
@ApiErrors(400)
export class ScheduleController {
  constructor(private readonly schedules: ScheduleService) {}

  @Post('patients/:patientId')
  @RequirePermission('create', 'Schedule')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Create a recurring call schedule for a patient (HH:mm in the org’s time zone)' })
  @ApiCreatedResponse({ type: ScheduleResponse })
  @ApiErrors(403, 404)
  create(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Body() dto: CreateScheduleDto,
  ): Promise<ScheduleResponse> {
    return this.schedules.create(actor, patientId, dto);
  }

  @Get(':scheduleId')
  @RequirePermission('read', 'Schedule')
  @ApiIdParam('scheduleId')
  @ApiOperation({ summary: 'One schedule' })
  @ApiOkResponse({ type: ScheduleResponse })
  @ApiErrors(403, 404)
  get(@CurrentActor() actor: AuthActor, @IdParam('scheduleId') id: string): Promise<ScheduleResponse> {
    return this.schedules.read(actor, id);
  }

  @Put(':scheduleId')
  @RequirePermission('update', 'Schedule')
  @ApiIdParam('scheduleId')
  @ApiOperation({ summary: 'Replace a schedule (frequency, intervals and time required)' })
  @ApiOkResponse({ type: ScheduleResponse })
  @ApiErrors(403, 404)
  replace(@CurrentActor() actor: AuthActor, @IdParam('scheduleId') id: string, @Body() dto: ReplaceScheduleDto): Promise<ScheduleResponse> {
    return this.schedules.update(actor, id, dto);
  }

  @Patch(':scheduleId')
  @RequirePermission('update', 'Schedule')
  @ApiIdParam('scheduleId')
  @ApiOperation({ summary: 'Change some fields of a schedule' })
  @ApiOkResponse({ type: ScheduleResponse })
  @ApiErrors(403, 404)
  patch(@CurrentActor() actor: AuthActor, @IdParam('scheduleId') id: string, @Body() dto: PatchScheduleDto): Promise<ScheduleResponse> {
    return this.schedules.update(actor, id, dto);
  }

  @Delete(':scheduleId')
  @HttpCode(204)
  @RequirePermission('delete', 'Schedule')
  @ApiIdParam('scheduleId')
  @ApiOperation({ summary: 'Delete a schedule' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(403, 404)
  async remove(@CurrentActor() actor: AuthActor, @IdParam('scheduleId') id: string): Promise<void> {
    await this.schedules.remove(actor, id);
  }
}
