import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppModule } from '@apps/server';
import { CallService } from '@app/calls';
import { CaregiverService } from '@app/caregivers';
import { ConversationService } from '@app/conversations';
import { AlertService } from '@app/emergency';
import { OrgService } from '@app/orgs';
import { PatientService } from '@app/patients';
import { loadConfig, type Env } from '@app/platform';
import { FakeAsterisk, FakeOpenAIRealtime, actorOf, deleteRedisPrefix } from '@app/testing';
import { parseFlags, type CommandContext } from '../command';

export const SIMULATE_CALL_USAGE = 'npm run cli -- simulate-call [--language en|es] [--calm] [--keep-data]';
const GREETING: Record<string, string[]> = {
  en: [
    'Good morning Margaret, this is Bianca. How are you feeling today?',
    'I slept well, but I had some chest pain this morning.',
    'I am sorry to hear that. If the pain comes back or is strong, please call emergency services right away. I have let your care team know.',
    'Thank you, dear. I will. Goodbye.',
    'Take good care, Margaret. Goodbye!',
  ],
  es: [
    'Buenos días Margarita, soy Bianca. ¿Cómo se siente hoy?',
    'Dormí bien, pero esta mañana tuve dolor de pecho.',
    'Lo siento mucho. Si el dolor vuelve o es fuerte, llame a emergencias enseguida. He avisado a su equipo de cuidado.',
    'Gracias. Lo haré. Adiós.',
    'Cuídese mucho, Margarita. ¡Adiós!',
  ],
};
const CALM: Record<string, [string, string]> = {
  en: ['I slept well and had a nice breakfast.', 'That sounds lovely. I am glad you are feeling well today.'],
  es: ['Dormí bien y desayuné muy rico.', 'Qué bien. Me alegra que hoy se sienta bien.'],
};

/**
 * A whole scripted call with no phone and no API key: boots the server's module graph on a
 * throw-away embedded database (every role in this process) with a local fake Asterisk (ARI + RTP)
 * and a fake OpenAI Realtime server, creates a demo org, caregiver and patient, places a call
 * through the real call workflow and prints the transcript, the alert and the timings.
 * Needs the development dependencies (the fakes live in libs/testing).
 */
export async function runSimulatedCall({ args, out, err, config }: CommandContext): Promise<number> {
  const { flags, positional } = parseFlags(args);
  const language = typeof flags.language === 'string' ? flags.language : 'en';
  if (positional.length > 0 || !GREETING[language] || Object.keys(flags).some((f) => !['language', 'calm', 'keep-data'].includes(f))) {
    err(`Usage: ${SIMULATE_CALL_USAGE}`);
    return 2;
  }
  const script = [...GREETING[language]];
  if (flags.calm) [script[1], script[2]] = CALM[language];
  const t0 = Date.now();
  const at = (): string => `+${((Date.now() - t0) / 1000).toFixed(2)}s`;
  const dataDir = mkdtempSync(join(tmpdir(), 'bianca-sim-'));
  const asterisk = await FakeAsterisk.start();
  const openai = await FakeOpenAIRealtime.start();
  const rtpBase = 40_000 + 2 * Math.floor(Math.random() * 5_000);
  const redisPrefix = `bianca-sim-${randomBytes(4).toString('hex')}`;
  const env: Env = {
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ROLES: 'api,worker,voice',
    REDIS_PREFIX: redisPrefix,
    ARI_URL: asterisk.url,
    ARI_USERNAME: asterisk.username,
    ARI_PASSWORD: asterisk.password,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openai.baseUrl,
    RTP_HOST: '127.0.0.1',
    RTP_PORT_MIN: String(rtpBase),
    RTP_PORT_MAX: String(rtpBase + 199),
    ...(config.redisUrl ? { REDIS_URL: config.redisUrl } : {}),
  };
  let app: INestApplicationContext | undefined;
  try {
    out(`${at()} booting the server on a throw-away embedded database (${dataDir})`);
    app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig(env)), { logger: false, abortOnError: false });
    await app.init();
    await asterisk.waitFor(() => asterisk.eventSocketCount > 0);
    const org = await app.get(OrgService).create({ name: 'Simulated Care', timezone: 'America/New_York' });
    const admin = await app.get(CaregiverService).create({
      orgId: org.id,
      name: 'Sam Caregiver',
      email: `sim-${randomBytes(4).toString('hex')}@example.test`,
      phone: null,
      role: 'orgAdmin',
      passwordHash: null,
      isEmailVerified: true,
    });
    const actor = actorOf(admin);
    const patient = await app.get(PatientService).create(
      actor,
      {
        name: language === 'es' ? 'Margarita Gómez' : 'Margaret Smith',
        email: null,
        phone: '+16045550123',
        notes: null,
        medications: ['lisinopril'],
        conditions: ['hypertension'],
        preferredLanguage: language,
      },
      [],
      [],
    );
    out(`${at()} demo patient ready; placing the call`);
    const placed = await app.get(CallService).initiate(actor, patient.id);
    const callId = placed.conversationId as string;

    const ai = await openai.nextConnection();
    await ai.waitForEvent('session.update');
    out(`${at()} AI session configured (audio/pcmu both ways, server VAD)`);
    await ai.waitForEvent('response.create');
    out(`${at()} patient answered, media up: the AI greets`);
    const silence = Buffer.alloc(1600, 0xff);
    ai.respond(silence, script[0]).done();
    const item = ai.speechStarted(0);
    ai.speechStopped(item, 1500);
    const spokenAt = Date.now();
    ai.transcribe(item, [script[1]]);
    const alerts = app.get(AlertService);
    let alertAfterMs: number | undefined;
    if (!flags.calm) {
      for (let i = 0; i < 200 && alertAfterMs === undefined; i++) {
        const list = await alerts.list(actor, true);
        if (list.some((a) => a.relatedConversation === callId)) alertAfterMs = Date.now() - spokenAt;
        else await new Promise((r) => setTimeout(r, 10));
      }
      out(
        alertAfterMs === undefined
          ? `${at()} no alert was raised (unexpected)`
          : `${at()} emergency alert raised ${alertAfterMs} ms after the patient's words`,
      );
    }
    ai.respond(silence, script[2]).done();
    const bye = ai.speechStarted(3000);
    ai.transcribe(bye, [script[3]]);
    ai.respond(silence, script[4]).done();
    ai.callTool('end_call', { reason: 'goodbye' });
    const conversations = app.get(ConversationService);
    for (let i = 0; i < 500; i++) {
      const row = await conversations.find(org.id, callId);
      if (row && row.status !== 'initiated' && row.status !== 'in-progress') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const convo = await conversations.read(actor, callId);
    out(`${at()} call ended: status ${convo.status}, outcome ${String(convo.callOutcome)}, duration ${convo.duration} s`);
    out('');
    out('Transcript:');
    for (const m of convo.messages) if (m.messageType === 'text') out(`  ${m.role.padEnd(9)} ${m.content}`);
    const raised = (await alerts.list(actor, true)).filter((a) => a.relatedConversation === callId);
    out('');
    out(raised.length ? 'Alerts:' : 'Alerts: none');
    for (const a of raised) out(`  [${String(a.severity)} ${String(a.category)}] ${a.message}`);
    out('');
    out(`Asterisk after teardown: ${asterisk.channels.size} channels, ${asterisk.bridges.size} bridges left`);
    const ok = convo.status === 'completed' && (flags.calm ? raised.length === 0 : raised.length > 0);
    return ok ? 0 : 1;
  } finally {
    await app?.close().catch(() => undefined);
    await openai.stop().catch(() => undefined);
    await asterisk.stop().catch(() => undefined);
    if (config.redisUrl) await deleteRedisPrefix(redisPrefix, config.redisUrl).catch(() => 0);
    if (flags['keep-data']) out(`Data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}
