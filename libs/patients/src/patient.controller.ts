import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, UploadedFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated, CaregiverResponse, CurrentActor, RequirePermission, type AuthActor } from '@app/auth';
import { AvatarUploadEndpoint, ApiIdParam, IdParam, type Page } from '@app/platform';
import {
  AssignUnassignedDto,
  CreatePatientDto,
  PatientListQueryDto,
  PatientPageResponse,
  PatientResponse,
  UpdatePatientDto,
} from './patient.dto';
import { PatientHttpService } from './patient-http.service';

interface UploadedAvatar {
  buffer: Buffer;
  size: number;
  mimetype: string;
}

/** §2.7. Staff see and change only the patients assigned to them; orgAdmins their org's. */
@ApiTags('patients')
@Controller('patients')
@Authenticated()
@ApiErrors(400)
export class PatientController {
  constructor(private readonly patients: PatientHttpService) {}

  @Post()
  @RequirePermission('create', 'Patient')
  @ApiOperation({ summary: 'Create a patient in the caller’s org, looked after by the caller' })
  @ApiCreatedResponse({ type: PatientResponse })
  @ApiErrors(403)
  create(@CurrentActor() actor: AuthActor, @Body() dto: CreatePatientDto): Promise<PatientResponse> {
    return this.patients.create(actor, dto);
  }

  @Get()
  @RequirePermission('read', 'Patient')
  @ApiOperation({ summary: 'Patients the caller may see (staff: assigned), paginated; `name` is exact-match' })
  @ApiOkResponse({ type: PatientPageResponse })
  @ApiErrors(403)
  list(@CurrentActor() actor: AuthActor, @Query() query: PatientListQueryDto): Promise<Page<PatientResponse>> {
    return this.patients.list(actor, query);
  }

  @Get('unassigned')
  @RequirePermission('read', 'Patient')
  @ApiOperation({ summary: 'The org’s patients without a caregiver (empty for staff)' })
  @ApiOkResponse({ type: [PatientResponse] })
  @ApiErrors(403)
  unassigned(@CurrentActor() actor: AuthActor): Promise<PatientResponse[]> {
    return this.patients.unassigned(actor);
  }

  @Post('assign-unassigned')
  @HttpCode(200)
  @RequirePermission('update', 'Patient')
  @ApiOperation({ summary: 'Assign unassigned patients to a caregiver (orgAdmin)' })
  @ApiOkResponse({ type: [PatientResponse] })
  @ApiErrors(403, 404)
  assignUnassigned(@CurrentActor() actor: AuthActor, @Body() dto: AssignUnassignedDto): Promise<PatientResponse[]> {
    return this.patients.assignUnassigned(actor, dto);
  }

  @Get(':patientId')
  @RequirePermission('read', 'Patient')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'One patient (fields by role, always with id, org, caregivers, schedules)' })
  @ApiOkResponse({ type: PatientResponse })
  @ApiErrors(403, 404)
  get(@CurrentActor() actor: AuthActor, @IdParam('patientId') id: string): Promise<PatientResponse> {
    return this.patients.get(actor, id);
  }

  @Patch(':patientId')
  @RequirePermission('update', 'Patient')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Update a patient (at least one key)' })
  @ApiOkResponse({ type: PatientResponse })
  @ApiErrors(403, 404)
  update(@CurrentActor() actor: AuthActor, @IdParam('patientId') id: string, @Body() dto: UpdatePatientDto): Promise<PatientResponse> {
    return this.patients.update(actor, id, dto);
  }

  @Delete(':patientId')
  @HttpCode(204)
  @RequirePermission('delete', 'Patient')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Delete a patient (kept for retention, invisible afterwards)' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(403, 404)
  async remove(@CurrentActor() actor: AuthActor, @IdParam('patientId') id: string): Promise<void> {
    await this.patients.remove(actor, id);
  }

  @Post(':patientId/avatar')
  @HttpCode(200)
  @RequirePermission('update', 'Patient')
  @AvatarUploadEndpoint()
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Upload an avatar (multipart field "avatar")' })
  @ApiOkResponse({ type: PatientResponse })
  @ApiErrors(403, 404, 413)
  uploadAvatar(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') id: string,
    @UploadedFile() file?: UploadedAvatar,
  ): Promise<PatientResponse> {
    return this.patients.setAvatar(actor, id, file);
  }

  @Patch(':patientId/avatar')
  @RequirePermission('update', 'Patient')
  @AvatarUploadEndpoint()
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Same as POST' })
  @ApiOkResponse({ type: PatientResponse })
  @ApiErrors(403, 404, 413)
  patchAvatar(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') id: string,
    @UploadedFile() file?: UploadedAvatar,
  ): Promise<PatientResponse> {
    return this.patients.setAvatar(actor, id, file);
  }

  @Post(':patientId/caregivers/:caregiverId')
  @HttpCode(200)
  @RequirePermission('update', 'Patient')
  @ApiIdParam('patientId')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Assign a caregiver of the org to the patient' })
  @ApiOkResponse({ type: PatientResponse })
  @ApiErrors(403, 404)
  assign(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') id: string,
    @IdParam('caregiverId') caregiverId: string,
  ): Promise<PatientResponse> {
    return this.patients.assign(actor, id, caregiverId);
  }

  @Delete(':patientId/caregivers/:caregiverId')
  @RequirePermission('update', 'Patient')
  @ApiIdParam('patientId')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Unassign a caregiver from the patient' })
  @ApiOkResponse({ type: PatientResponse })
  @ApiErrors(403, 404)
  unassign(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') id: string,
    @IdParam('caregiverId') caregiverId: string,
  ): Promise<PatientResponse> {
    return this.patients.unassign(actor, id, caregiverId);
  }

  @Get(':patientId/caregivers')
  @RequirePermission('list', 'Caregiver')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'The patient’s caregivers (orgAdmin)' })
  @ApiOkResponse({ type: [CaregiverResponse] })
  @ApiErrors(403, 404)
  caregivers(@CurrentActor() actor: AuthActor, @IdParam('patientId') id: string): Promise<CaregiverResponse[]> {
    return this.patients.caregivers(actor, id);
  }
}
