import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AnalysisService } from '@app/analysis';
import { CallDispatchRepository } from '@app/calls';
import { PrivacyContributors } from './privacy-contributors';

/**
 * Data-subject contributors of the analysis and calls domains. Compliance sits above them in the
 * module graph (it imports AnalysisModule and CallsModule; neither imports compliance), so it
 * registers for them here through their own services, as CorePrivacyContributors does for the care
 * domains — no domain has to depend on compliance.
 *
 * - `analyses`: sentiments, medical and fraud/abuse analyses, decrypted (derived from transcripts).
 * - `calls`: the call attempts (ids, times, states; no PHI); erasure deletes them.
 */
@Injectable()
export class DomainPrivacyContributors implements OnModuleInit {
  constructor(
    private readonly registry: PrivacyContributors,
    private readonly analysis: AnalysisService,
    private readonly dispatches: CallDispatchRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      domain: 'analyses',
      export: async (s, tx) => ({ data: await this.analysis.exportOfPatient(s.orgId, s.patientId, tx) }),
      erase: (s, tx) => this.analysis.deleteOfPatients(s.orgId, [s.patientId], tx),
    });
    this.registry.register({
      domain: 'calls',
      export: async (s, tx) => ({
        data: (await this.dispatches.ofPatient(s.orgId, s.patientId, tx)).map((d) => ({
          id: d.id,
          scheduleId: d.scheduleId,
          slotAt: d.slotAt?.toISOString() ?? null,
          attempt: d.attempt,
          trigger: d.trigger,
          direction: d.direction,
          state: d.state,
          outcome: d.outcome,
          endReason: d.endReason,
          createdAt: d.createdAt.toISOString(),
          updatedAt: d.updatedAt.toISOString(),
        })),
      }),
      erase: (s, tx) => this.dispatches.deleteOfPatient(s.orgId, s.patientId, tx),
    });
  }
}
