/**
 * Run reports: Markdown for people, self-contained HTML with a step timeline, JUnit XML for CI, JSON for tools,
 * sealed with sha256 digests. Everything is rendered from a ReportInput (checkpoints + journals + drill record).
 */
export type { DrillCheck, DrillMeasurement, DrillPhase, DrillRecord, DrillSection, ReportInput, ReportKind, ReportRun } from './types.js';
export { DRILL_RECORD_SCHEMA_VERSION } from './types.js';
export { buildReportModel, type ReportModel, type ReportStep, type StepOutcome } from './model.js';
export { renderMarkdownReport } from './markdown.js';
export { renderHtmlReport } from './html.js';
export { renderJUnitReport } from './junit.js';
export { renderJsonReport, REPORT_SCHEMA_VERSION, type JsonReport } from './json.js';
export { journalDigest, parseJournal, serializeJournal } from './journal.js';
export { sealReport, verifyReportDir, MANIFEST_FILE, SUMS_FILE, type ReportManifest, type ReportSeal, type SealRequest, type VerifyResult, type VerifyProblem } from './seal.js';
export { writeRunReports, defaultReportDir, REPORT_FILES, type WrittenReports } from './write.js';
export { readReportInput } from './read-input.js';
export { drillRecordFile, readDrillRecord, writeDrillRecord } from './drill-record.js';
