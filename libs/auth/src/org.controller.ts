import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdParam, IdParam, type Page } from '@app/platform';
import { ApiErrors } from './api-errors';
import { InviteDto, OrgListQueryDto, SetRoleDto, UpdateOrgDto } from './account.dto';
import type { AuthActor } from './actor';
import { Authenticated, CurrentActor, RequirePermission } from './decorators';
import { OrgAdminService } from './org-admin.service';
import { CaregiverResponse, InviteResponse, OrgPageResponse, OrgResponse } from './responses.dto';

/** §2.5. An orgAdmin manages their own org; another org's id answers 404. */
@ApiTags('orgs')
@Controller('orgs')
@Authenticated()
@ApiErrors(400)
export class OrgController {
  constructor(private readonly orgs: OrgAdminService) {}

  @Get()
  @RequirePermission('list', 'Org')
  @ApiOperation({ summary: 'All organisations (superAdmin)' })
  @ApiOkResponse({ type: OrgPageResponse })
  list(@Query() query: OrgListQueryDto): Promise<Page<OrgResponse>> {
    return this.orgs.list(query);
  }

  @Get(':orgId')
  @RequirePermission('read', 'Org')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'One organisation' })
  @ApiOkResponse({ type: OrgResponse })
  @ApiErrors(404)
  get(@CurrentActor() actor: AuthActor, @IdParam('orgId') orgId: string): Promise<OrgResponse> {
    return this.orgs.get(actor, orgId);
  }

  @Patch(':orgId')
  @RequirePermission('update', 'Org')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'Update an organisation (answers the org itself)' })
  @ApiOkResponse({ type: OrgResponse })
  @ApiErrors(404)
  update(@CurrentActor() actor: AuthActor, @IdParam('orgId') orgId: string, @Body() dto: UpdateOrgDto): Promise<OrgResponse> {
    return this.orgs.update(actor, orgId, dto);
  }

  @Delete(':orgId')
  @HttpCode(204)
  @RequirePermission('delete', 'Org')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'Delete an organisation with its caregivers (their sessions end)' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(404)
  async remove(@CurrentActor() actor: AuthActor, @IdParam('orgId') orgId: string): Promise<void> {
    await this.orgs.remove(actor, orgId);
  }

  @Post(':orgId/caregiver/:caregiverId')
  @RequirePermission('update', 'Org')
  @ApiIdParam('orgId')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Add a caregiver to the org (409 when already a member)' })
  @ApiOkResponse({ type: OrgResponse })
  @ApiErrors(404, 409)
  addCaregiver(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @IdParam('caregiverId') caregiverId: string,
  ): Promise<OrgResponse> {
    return this.orgs.addCaregiver(actor, orgId, caregiverId);
  }

  @Delete(':orgId/caregiver/:caregiverId')
  @RequirePermission('update', 'Org')
  @ApiIdParam('orgId')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Remove a caregiver from the org (the account is closed, its sessions end)' })
  @ApiOkResponse({ type: OrgResponse })
  @ApiErrors(404)
  removeCaregiver(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @IdParam('caregiverId') caregiverId: string,
  ): Promise<OrgResponse> {
    return this.orgs.removeCaregiver(actor, orgId, caregiverId);
  }

  @Patch(':orgId/caregiver/:caregiverId/role')
  @RequirePermission('update', 'Org')
  @ApiIdParam('orgId')
  @ApiIdParam('caregiverId')
  @ApiOperation({ summary: 'Change a member’s role (staff/orgAdmin; superAdmin only by a superAdmin)' })
  @ApiOkResponse({ type: CaregiverResponse })
  @ApiErrors(404)
  setRole(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @IdParam('caregiverId') caregiverId: string,
    @Body() dto: SetRoleDto,
  ): Promise<CaregiverResponse> {
    return this.orgs.setRole(actor, orgId, caregiverId, dto.role);
  }

  @Patch(':orgId/invite')
  @RequirePermission('update', 'Org')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'Invite a caregiver by e-mail (orgAdmin of this org, e-mail verified); the link goes by e-mail' })
  @ApiOkResponse({ type: InviteResponse })
  @ApiErrors(404, 409)
  async invite(@CurrentActor() actor: AuthActor, @IdParam('orgId') orgId: string, @Body() dto: InviteDto): Promise<InviteResponse> {
    const { caregiver } = await this.orgs.invite(actor, orgId, dto);
    return { caregiver };
  }
}
