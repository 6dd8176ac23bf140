import { Module, type OnModuleInit } from '@nestjs/common';
import { PatientExtensions, PatientsModule } from '@app/patients';
import { ConversationExtensions } from './conversation-extensions';
import { ConversationController } from './conversation.controller';
import { ConversationRepository } from './conversation.repository';
import { ConversationService } from './conversation.service';

/** Conversations (calls) with ordered, encrypted messages. */
@Module({
  imports: [PatientsModule],
  controllers: [ConversationController],
  providers: [ConversationRepository, ConversationService, ConversationExtensions],
  exports: [ConversationService, ConversationExtensions],
})
export class ConversationsModule implements OnModuleInit {
  constructor(
    private readonly patientExtensions: PatientExtensions,
    private readonly conversations: ConversationService,
  ) {}

  onModuleInit(): void {
    this.patientExtensions.register({
      onPatientsDeleted: (orgId, patientIds, tx) => this.conversations.deleteOfPatients(orgId, patientIds, tx),
    });
  }
}
