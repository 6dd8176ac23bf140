import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, UploadedFile } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AvatarUploadEndpoint, ApiIdParam, IdParam, type Page } from '@app/platform';
import { ApiErrors } from './api-errors';
import { CaregiverListQueryDto, ThemeDto, UpdateCaregiverDto } from './account.dto';
import type { AuthActor } from './actor';
import { CaregiverAdminService } from './caregiver-admin.service';
import { Authenticated, CurrentActor, RequirePermission } from './decorators';
import { CaregiverPageResponse, CaregiverResponse } from './responses.dto';

/** What multer hands over (memory storage). */
interface UploadedAvatar {
  buffer: Buffer;
  size: number;
  mimetype: string;
}

/** §2.6. Staff and invited accounts see and edit only themselves; orgAdmins their org's accounts. */
@ApiTags('caregivers')
@Controller('caregivers')
@Authenticated()
@ApiErrors(400)
export class CaregiverController {
  constructor(private readonly caregivers: CaregiverAdminService) {}

  @Get()
  @RequirePermission('list', 'Caregiver')
  @ApiOperation({ summary: 'The caller’s org’s caregivers (exact-match name/role filters)' })
  @ApiOkResponse({ type: CaregiverPageResponse })
  list(@CurrentActor() actor: AuthActor, @Query() query: CaregiverListQueryDto): Promise<Page<CaregiverResponse>> {
    return this.caregivers.list(actor, query);
  }

  @Get(':caregiverId')
  @RequirePermission('read', 'Caregiver')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'One caregiver' })
  @ApiOkResponse({ type: CaregiverResponse })
  @ApiErrors(403, 404)
  get(@CurrentActor() actor: AuthActor, @IdParam('caregiverId') id: string): Promise<CaregiverResponse> {
    return this.caregivers.get(actor, id);
  }

  @Patch(':caregiverId')
  @RequirePermission('update', 'Caregiver')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Update a caregiver (role and org cannot be set here)' })
  @ApiOkResponse({ type: CaregiverResponse })
  @ApiErrors(403, 404)
  update(
    @CurrentActor() actor: AuthActor,
    @IdParam('caregiverId') id: string,
    @Body() dto: UpdateCaregiverDto,
  ): Promise<CaregiverResponse> {
    return this.caregivers.update(actor, id, dto);
  }

  @Post(':caregiverId/avatar')
  @HttpCode(200)
  @RequirePermission('update', 'Caregiver')
  @AvatarUploadEndpoint()
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Upload an avatar (multipart field "avatar")' })
  @ApiOkResponse({ type: CaregiverResponse })
  @ApiErrors(403, 404, 413)
  uploadAvatar(
    @CurrentActor() actor: AuthActor,
    @IdParam('caregiverId') id: string,
    @UploadedFile() file?: UploadedAvatar,
  ): Promise<CaregiverResponse> {
    return this.caregivers.setAvatar(actor, id, file);
  }

  @Patch(':caregiverId/avatar')
  @RequirePermission('update', 'Caregiver')
  @AvatarUploadEndpoint()
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Same as POST' })
  @ApiOkResponse({ type: CaregiverResponse })
  @ApiErrors(403, 404, 413)
  patchAvatar(
    @CurrentActor() actor: AuthActor,
    @IdParam('caregiverId') id: string,
    @UploadedFile() file?: UploadedAvatar,
  ): Promise<CaregiverResponse> {
    return this.caregivers.setAvatar(actor, id, file);
  }

  @Patch(':caregiverId/theme')
  @RequirePermission('update', 'Caregiver')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Set the theme preference' })
  @ApiOkResponse({ type: CaregiverResponse })
  @ApiErrors(403, 404)
  theme(@CurrentActor() actor: AuthActor, @IdParam('caregiverId') id: string, @Body() dto: ThemeDto): Promise<CaregiverResponse> {
    return this.caregivers.setTheme(actor, id, dto.themePreference);
  }

  @Delete(':caregiverId')
  @HttpCode(204)
  @RequirePermission('delete', 'Caregiver')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Delete a caregiver (its sessions end)' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(403, 404)
  async remove(@CurrentActor() actor: AuthActor, @IdParam('caregiverId') id: string): Promise<void> {
    await this.caregivers.remove(actor, id);
  }

  @Delete(':caregiverId/sessions')
  @HttpCode(204)
  @RequirePermission('endSessions', 'Caregiver')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'End every session of a caregiver of the caller’s org (orgAdmin): next request 401, sockets closed' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(403, 404)
  async endSessions(@CurrentActor() actor: AuthActor, @IdParam('caregiverId') id: string): Promise<void> {
    await this.caregivers.endSessions(actor, id);
  }

  @Get(':caregiverId/patients')
  @RequirePermission('read', 'Patient')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'The caregiver’s patients (provided by the patients domain)' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'object' } } })
  @ApiErrors(403, 404)
  patients(@CurrentActor() actor: AuthActor, @IdParam('caregiverId') id: string): Promise<unknown[]> {
    return this.caregivers.patients(actor, id);
  }
}
