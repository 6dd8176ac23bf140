import PDFDocument from 'pdfkit';
import type { ReportLanguage } from './analysis.dto';
import { REPORT_STRINGS, type ReportStrings } from './report-locales';
import type { PatientReport } from './report.service';

/**
 * Renders the wellness report as a printable A4 PDF (pdfkit, standard Helvetica): figures, a
 * mood trend chart (score −1..1 over the period) and the flagged concerns. Built in memory; the
 * caller streams the buffer. Holds PHI: never written to disk or logged.
 */
export async function renderReportPdf(report: PatientReport, lang: ReportLanguage): Promise<Buffer> {
  const t = REPORT_STRINGS[lang];
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: t.title, Producer: 'Bianca', Creator: 'Bianca' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  write(doc, report, t, lang);
  doc.end();
  return done;
}

function day(iso: string, lang: ReportLanguage): string {
  return new Date(iso).toLocaleDateString(lang === 'es' ? 'es-ES' : 'en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('#1f3a5f').text(text).moveDown(0.3);
  doc.font('Helvetica').fontSize(10.5).fillColor('#222222');
}

function row(doc: PDFKit.PDFDocument, label: string, value: string | number): void {
  doc.font('Helvetica').text(`${label}: `, { continued: true }).font('Helvetica-Bold').text(String(value)).font('Helvetica');
}

function write(doc: PDFKit.PDFDocument, report: PatientReport, t: ReportStrings, lang: ReportLanguage): void {
  const { body, patient, mood } = report;
  const calls = body.calls as {
    total: number;
    completed: number;
    missed: number;
    totalDurationSeconds: number;
    averageDurationSeconds: number;
  };
  const alerts = body.alerts as { total: number; bySeverity: Record<'CRITICAL' | 'HIGH' | 'MEDIUM', number> };
  const period = body.period as { from: string; to: string };

  doc.font('Helvetica-Bold').fontSize(20).fillColor('#1f3a5f').text(t.title);
  doc.font('Helvetica').fontSize(10.5).fillColor('#222222').moveDown(0.5);
  row(doc, t.patient, patient.preferredName ?? patient.name);
  row(doc, t.period, `${day(period.from, lang)} – ${day(period.to, lang)}`);
  row(doc, t.generated, day(body.generatedAt, lang));

  heading(doc, t.calls);
  row(doc, t.callsTotal, calls.total);
  row(doc, t.callsCompleted, calls.completed);
  row(doc, t.callsMissed, calls.missed);
  row(doc, t.totalDuration, `${Math.round(calls.totalDurationSeconds / 60)} ${t.minutes}`);
  row(doc, t.averageDuration, `${(calls.averageDurationSeconds / 60).toFixed(1)} ${t.minutes}`);

  heading(doc, t.mood);
  if (mood.points.length === 0) doc.text(t.noMoodData);
  else {
    row(doc, t.moodAverage, mood.averageSentiment.toFixed(2));
    row(doc, t.moodTrend, t.trend[mood.trendDirection]);
    chart(doc, mood.points, period, lang);
  }

  heading(doc, t.alerts);
  row(doc, t.alertsTotal, alerts.total);
  for (const severity of ['CRITICAL', 'HIGH', 'MEDIUM'] as const) row(doc, t.severity[severity], alerts.bySeverity[severity]);

  const medical = body.medical as { cognitiveRiskScore: number; psychiatricRiskScore: number; overallHealthScore: number } | null;
  const fraud = body.fraudAbuse as { overallRiskScore: number } | null;
  if (medical || fraud) {
    heading(doc, t.medical);
    if (medical) {
      row(doc, t.cognitiveRisk, Math.round(medical.cognitiveRiskScore));
      row(doc, t.psychiatricRisk, Math.round(medical.psychiatricRiskScore));
      row(doc, t.healthScore, Math.round(medical.overallHealthScore));
    }
    if (fraud) row(doc, t.fraudRisk, Math.round(fraud.overallRiskScore));
  }

  heading(doc, t.concerns);
  if (body.concerns.length === 0) doc.text(t.noConcerns);
  else doc.list(body.concerns, { bulletRadius: 2 });

  doc.moveDown(2).fontSize(8).fillColor('#777777').text(t.footer, { align: 'center' });
}

/** Line chart of the mood scores over the period: y −1..1 with a zero line, x = time. */
function chart(
  doc: PDFKit.PDFDocument,
  points: PatientReport['mood']['points'],
  period: { from: string; to: string },
  lang: ReportLanguage,
): void {
  const width = 440;
  const height = 140;
  doc.moveDown(0.5);
  const left = doc.page.margins.left + 30;
  if (doc.y + height + 40 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  const from = new Date(period.from).getTime();
  const span = Math.max(new Date(period.to).getTime() - from, 1);
  const x = (iso: string): number => left + ((new Date(iso).getTime() - from) / span) * width;
  const y = (score: number): number => top + ((1 - Math.max(-1, Math.min(1, score))) / 2) * height;

  doc.save().lineWidth(0.5).strokeColor('#999999').rect(left, top, width, height).stroke();
  doc
    .dash(3, { space: 3 })
    .moveTo(left, y(0))
    .lineTo(left + width, y(0))
    .stroke()
    .undash();
  doc.fontSize(8).fillColor('#555555');
  doc.text('+1', left - 25, y(1) - 4, { width: 20, align: 'right' });
  doc.text('0', left - 25, y(0) - 4, { width: 20, align: 'right' });
  doc.text('-1', left - 25, y(-1) - 4, { width: 20, align: 'right' });
  doc.text(day(period.from, lang), left, top + height + 4, { width: 100 });
  doc.text(day(period.to, lang), left + width - 100, top + height + 4, { width: 100, align: 'right' });

  doc.lineWidth(1.5).strokeColor('#2b6cb0');
  points.forEach((p, i) => (i === 0 ? doc.moveTo(x(p.date), y(p.score)) : doc.lineTo(x(p.date), y(p.score))));
  if (points.length > 1) doc.stroke();
  for (const p of points)
    doc
      .circle(x(p.date), y(p.score), 2.5)
      .fillColor(p.score >= 0 ? '#2f855a' : '#c53030')
      .fill();
  doc.restore();
  doc.x = doc.page.margins.left;
  doc.y = top + height + 20;
  doc.fontSize(10.5).fillColor('#222222');
}
