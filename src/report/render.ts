/**
 * Pure renderers for everything that is not a run event: errors, runbook diagnostics, `drctl status` and the
 * lock holder. They return text; the caller writes it through an Output (errors and diagnostics to stderr).
 */
export { renderError, renderDiagnostics, type DiagnosticLike, type RenderOptions } from './render-error.js';
export {
  renderStatus,
  renderLockHolder,
  resumeCommand,
  type StatusRun,
  type StatusStep,
  type StatusRenderOptions,
  type LockHolder,
  type LockRenderOptions,
} from './render-status.js';
