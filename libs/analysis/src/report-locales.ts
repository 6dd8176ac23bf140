import type { ReportLanguage } from './analysis.dto';

/**
 * Caregiver-facing labels of the wellness report PDF, kept in code like libs/notifications'
 * locales (typed, bundled, checked for completeness). `{n}` etc. are placeholders.
 */
export interface ReportStrings {
  title: string;
  patient: string;
  period: string;
  generated: string;
  calls: string;
  callsTotal: string;
  callsCompleted: string;
  callsMissed: string;
  totalDuration: string;
  averageDuration: string;
  minutes: string;
  mood: string;
  moodAverage: string;
  moodTrend: string;
  noMoodData: string;
  trend: Record<'improving' | 'declining' | 'stable', string>;
  alerts: string;
  alertsTotal: string;
  severity: Record<'CRITICAL' | 'HIGH' | 'MEDIUM', string>;
  concerns: string;
  noConcerns: string;
  medical: string;
  cognitiveRisk: string;
  psychiatricRisk: string;
  healthScore: string;
  fraudRisk: string;
  footer: string;
}

export const REPORT_STRINGS: Record<ReportLanguage, ReportStrings> = {
  en: {
    title: 'Wellness report',
    patient: 'Patient',
    period: 'Period',
    generated: 'Generated',
    calls: 'Calls',
    callsTotal: 'Calls in period',
    callsCompleted: 'Completed',
    callsMissed: 'Missed',
    totalDuration: 'Total talk time',
    averageDuration: 'Average call length',
    minutes: 'min',
    mood: 'Mood',
    moodAverage: 'Average mood (-1 to 1)',
    moodTrend: 'Trend',
    noMoodData: 'No analysed calls in this period.',
    trend: { improving: 'improving', declining: 'declining', stable: 'stable' },
    alerts: 'Alerts',
    alertsTotal: 'Alerts in period',
    severity: { CRITICAL: 'Critical', HIGH: 'High', MEDIUM: 'Medium' },
    concerns: 'Concerns',
    noConcerns: 'No concerns were flagged in this period.',
    medical: 'Screening scores (0-100, higher = more risk; not a diagnosis)',
    cognitiveRisk: 'Cognitive risk',
    psychiatricRisk: 'Emotional risk',
    healthScore: 'Overall wellness score',
    fraudRisk: 'Exploitation / abuse risk',
    footer: 'Confidential: contains protected health information.',
  },
  es: {
    title: 'Informe de bienestar',
    patient: 'Paciente',
    period: 'Periodo',
    generated: 'Generado',
    calls: 'Llamadas',
    callsTotal: 'Llamadas en el periodo',
    callsCompleted: 'Completadas',
    callsMissed: 'Perdidas',
    totalDuration: 'Tiempo total de conversación',
    averageDuration: 'Duración media de la llamada',
    minutes: 'min',
    mood: 'Estado de ánimo',
    moodAverage: 'Ánimo medio (-1 a 1)',
    moodTrend: 'Tendencia',
    noMoodData: 'No hay llamadas analizadas en este periodo.',
    trend: { improving: 'mejorando', declining: 'empeorando', stable: 'estable' },
    alerts: 'Alertas',
    alertsTotal: 'Alertas en el periodo',
    severity: { CRITICAL: 'Crítica', HIGH: 'Alta', MEDIUM: 'Media' },
    concerns: 'Preocupaciones',
    noConcerns: 'No se señalaron preocupaciones en este periodo.',
    medical: 'Puntuaciones de cribado (0-100, más alto = más riesgo; no es un diagnóstico)',
    cognitiveRisk: 'Riesgo cognitivo',
    psychiatricRisk: 'Riesgo emocional',
    healthScore: 'Puntuación general de bienestar',
    fraudRisk: 'Riesgo de explotación / abuso',
    footer: 'Confidencial: contiene información de salud protegida.',
  },
};

/** `lang` query first, then the Accept-Language header; English otherwise. */
export function reportLanguage(lang: string | undefined, acceptLanguage: string | undefined): ReportLanguage {
  for (const candidate of [lang, ...(acceptLanguage ?? '').split(',')]) {
    const tag = candidate?.split(';')[0]?.trim().toLowerCase().split('-')[0];
    if (tag === 'en' || tag === 'es') return tag;
  }
  return 'en';
}
