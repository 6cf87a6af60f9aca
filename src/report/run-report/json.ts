/**
 * report.json: the report model as data, for dashboards and evidence stores. `reportSchemaVersion` changes only
 * when a field is removed or changes meaning; new fields may appear at any time.
 */
import { buildReportModel, type ReportModel } from './model.js';
import type { ReportInput } from './types.js';

export const REPORT_SCHEMA_VERSION = 1;

export type JsonReport = { reportSchemaVersion: typeof REPORT_SCHEMA_VERSION; generator: string } & ReportModel;

export function renderJsonFromModel(model: ReportModel): JsonReport {
  return { reportSchemaVersion: REPORT_SCHEMA_VERSION, generator: 'drctl', ...model };
}

export function renderJsonReport(input: ReportInput): JsonReport {
  return renderJsonFromModel(buildReportModel(input));
}
