import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated, CurrentActor, RequirePermission, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam } from '@app/platform';
import { AlertListQueryDto, AlertResponse, CreateAlertDto, MarkAlertsReadDto, UpdateAlertDto } from './alert.dto';
import type { AlertType, Importance, Severity, Visibility } from './alert.table';
import { AlertService } from './alert.service';

/** §2.9. */
@ApiTags('alerts')
@Controller('alerts')
@Authenticated()
@ApiErrors(400)
export class AlertController {
  constructor(private readonly alerts: AlertService) {}

  @Post()
  @RequirePermission('update', 'Alert')
  @ApiOperation({ summary: 'Create an alert (createdBy is the caller)' })
  @ApiCreatedResponse({ type: AlertResponse })
  @ApiErrors(403, 404)
  create(@CurrentActor() actor: AuthActor, @Body() dto: CreateAlertDto): Promise<AlertResponse> {
    return this.alerts.create(actor, {
      message: dto.message,
      importance: dto.importance as Importance,
      alertType: dto.alertType as AlertType,
      visibility: dto.visibility as Visibility,
      relatedPatient: dto.relatedPatient,
      relatedConversation: dto.relatedConversation,
      relevanceUntil: dto.relevanceUntil,
      category: dto.category,
      severity: dto.severity as Severity | undefined,
    });
  }

  @Get()
  @RequirePermission('read', 'Alert')
  @ApiOperation({ summary: 'Relevant alerts visible to the caller (unread only unless showRead=true)' })
  @ApiOkResponse({ type: [AlertResponse] })
  @ApiErrors(403)
  list(@CurrentActor() actor: AuthActor, @Query() query: AlertListQueryDto): Promise<AlertResponse[]> {
    return this.alerts.list(actor, query.showRead ?? false);
  }

  @Post('markAsRead')
  @HttpCode(200)
  @RequirePermission('read', 'Alert')
  @ApiOperation({ summary: 'Mark several alerts as read; answers the marked alerts as an array (the client’s reading)' })
  @ApiOkResponse({ type: [AlertResponse] })
  @ApiErrors(403)
  markManyRead(@CurrentActor() actor: AuthActor, @Body() dto: MarkAlertsReadDto): Promise<AlertResponse[]> {
    return this.alerts.markManyRead(actor, dto.alertIds);
  }

  @Post('markAsRead/:alertId')
  @HttpCode(200)
  @RequirePermission('read', 'Alert')
  @ApiIdParam('alertId')
  @ApiOperation({ summary: 'Mark an alert as read (idempotent)' })
  @ApiOkResponse({ type: AlertResponse })
  @ApiErrors(403, 404)
  markRead(@CurrentActor() actor: AuthActor, @IdParam('alertId') id: string): Promise<AlertResponse> {
    return this.alerts.markRead(actor, id);
  }

  @Get(':alertId')
  @RequirePermission('read', 'Alert')
  @ApiIdParam('alertId')
  @ApiOperation({ summary: 'One relevant alert' })
  @ApiOkResponse({ type: AlertResponse })
  @ApiErrors(403, 404)
  get(@CurrentActor() actor: AuthActor, @IdParam('alertId') id: string): Promise<AlertResponse> {
    return this.alerts.read(actor, id);
  }

  @Patch(':alertId')
  @RequirePermission('update', 'Alert')
  @ApiIdParam('alertId')
  @ApiOperation({ summary: 'Change message, importance or relevanceUntil' })
  @ApiOkResponse({ type: AlertResponse })
  @ApiErrors(403, 404)
  update(@CurrentActor() actor: AuthActor, @IdParam('alertId') id: string, @Body() dto: UpdateAlertDto): Promise<AlertResponse> {
    return this.alerts.update(actor, id, {
      message: dto.message,
      importance: dto.importance as Importance | undefined,
      relevanceUntil: dto.relevanceUntil,
    });
  }

  @Delete(':alertId')
  @HttpCode(204)
  @RequirePermission('delete', 'Alert')
  @ApiIdParam('alertId')
  @ApiOperation({ summary: 'Delete an alert' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(403, 404)
  async remove(@CurrentActor() actor: AuthActor, @IdParam('alertId') id: string): Promise<void> {
    await this.alerts.remove(actor, id);
  }
}
