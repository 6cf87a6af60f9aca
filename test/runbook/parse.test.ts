import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic, type Diagnostic } from '../../src/runbook/diagnostics.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { RunbookRule } from '../../src/runbook/rules/index.js';

const EXAMPLE = fileURLToPath(new URL('../../runbooks/efs-prod.yaml', import.meta.url));

function diagnosticsOf(text: string, options?: Parameters<typeof parseRunbook>[2]): Diagnostic[] {
  const result = parseRunbook(text, 'rb.yaml', options);
  return result.ok ? result.warnings : result.diagnostics;
}

const at = (d: Diagnostic) => `${d.code} ${d.line}:${d.col}`;

describe('parseRunbook on the example runbook', () => {
  const result = parseRunbook(readFileSync(EXAMPLE, 'utf8'), 'runbooks/efs-prod.yaml');

  it('loads runbooks/efs-prod.yaml without diagnostics', () => {
    if (!result.ok) throw new Error(result.diagnostics.map(renderDiagnostic).join('\n'));
    expect(result.warnings).toEqual([]);
    expect(result.file).toBe('runbooks/efs-prod.yaml');
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('declares the cross-account EFS pair with its roles and targets', () => {
    if (!result.ok) throw new Error('not loaded');
    const { runbook } = result;
    expect(runbook.accounts.prod).toMatchObject({ id: '111111111111', region: 'us-east-1' });
    expect(runbook.accounts.dr).toMatchObject({ id: '222222222222', region: 'us-west-2', externalId: expect.any(String) });
    const efs = runbook.filesystems['efs-prod'];
    if (efs?.type !== 'efs') throw new Error('efs-prod is not an efs resource');
    expect(efs.replication.roleArn).toMatch(/^arn:aws:iam::111111111111:role\//);
    expect(efs.replication.reverseRoleArn).toMatch(/^arn:aws:iam::222222222222:role\//);
    expect(efs).toMatchObject({ rpo: '15m', rto: '30m', mountTargets: { minAvailabilityZones: 2 } });
    expect(efs.failover).toBeUndefined();
    expect(efs.failback).toBeUndefined();
  });

  it('starts with the yaml-language-server schema line', () => {
    expect(readFileSync(EXAMPLE, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
  });
});

describe('parseRunbook stages', () => {
  it('reports every YAML syntax error with its position and stops there', () => {
    const found = diagnosticsOf('version: 1\naccounts:\n\tprod: {}\nfilesystems: {}\nfilesystems: {}\n');
    expect(found.map((d) => d.code)).toEqual(['yaml-syntax', 'yaml-syntax']);
    expect(found.map((d) => `${d.line}:${d.col}`)).toEqual(['3:1', '5:1']);
  });

  it('reports every schema problem at once, each at its own node', () => {
    const text = [
      'version: 1', //                                                     1
      'accounts:', //                                                      2
      "  prod: { id: '1234', region: us-east-1, rolArn: x }", //           3
      'filesystems:', //                                                   4
      '  a:', //                                                           5
      '    type: efs', //                                                  6
      '    primary: { account: prod, fileSystemId: fs-12345678 }', //     7
      '    secondary: { account: prod }', //                               8
      '    rpo: soon', //                                                  9
    ].join('\n');
    expect(diagnosticsOf(text).map(at)).toEqual([
      'invalid-format 3:15', // the id value
      'unknown-key 3:42', // the misspelt key itself
      'missing-field 8:5', // the key owning the incomplete mapping
      'invalid-format 9:10',
    ]);
  });

  it('words an unknown key with the key meant and the keys allowed', () => {
    const [d] = diagnosticsOf("version: 1\naccounts:\n  prod: { id: '123456789012', region: us-east-1, rolArn: x }\nfilesystems: {}\n");
    expect(d?.message).toBe("unknown key 'rolArn' in accounts.prod");
    expect(d?.hint).toContain("did you mean 'roleArn'?");
    expect(d?.hint).toContain('id, region, roleArn, externalId, profile');
  });

  it("mentions only the chosen step kind's parameters", () => {
    const text = `version: 1
accounts:
  a: { id: '111111111111', region: us-east-1 }
  b: { id: '111111111111', region: us-west-2 }
filesystems:
  x:
    type: efs
    primary: { account: a, fileSystemId: fs-12345678 }
    secondary: { account: b, fileSystemId: fs-87654321 }
    failover:
      - id: run
        uses: exec
        with: { message: hello }
`;
    const found = diagnosticsOf(text);
    expect(found.map((d) => d.code).sort()).toEqual(['missing-field', 'unknown-key']);
    const unknown = found.find((d) => d.code === 'unknown-key');
    expect(unknown?.message).toBe("unknown key 'message' in filesystems.x.failover[0].with (step 'run')");
    expect(unknown?.hint).toBe('Keys allowed here: run, cwd, env.');
    expect(found.find((d) => d.code === 'missing-field')?.message).toContain("required field 'run'");
  });

  it('reports problems inside per-mode failback lists at their own nodes', () => {
    const text = `version: 1
accounts:
  a: { id: '111111111111', region: us-east-1 }
  b: { id: '111111111111', region: us-west-2 }
filesystems:
  x:
    type: efs
    primary: { account: a, fileSystemId: fs-12345678 }
    secondary: { account: b, fileSystemId: fs-87654321 }
    failback:
      preserve:
        - id: go
          uses: exe
      dicard: []
`;
    const found = diagnosticsOf(text);
    expect(found.map(at)).toEqual(['unknown-step-kind 13:17', 'unknown-key 14:7']);
    expect(found[0]?.message).toBe("unknown step kind 'exe' in filesystems.x.failback.preserve[0] (step 'go')");
    expect(found[1]?.hint).toContain("did you mean 'discard'?");
  });

  it('suggests quoting an account id that YAML read as a number', () => {
    const [d] = diagnosticsOf('version: 1\naccounts:\n  prod: { id: 123456789012, region: us-east-1 }\nfilesystems: {}\n');
    expect(d?.code).toBe('invalid-type');
    expect(d?.hint).toContain("id: '123456789012'");
  });

  it('runs the semantic rules only once the schema accepts the runbook', () => {
    const rule: RunbookRule = { code: 'always', description: 'test', check: () => [{ path: ['version'], message: 'm', hint: 'h' }] };
    expect(diagnosticsOf('version: 2\naccounts: {}\nfilesystems: {}\n', { rules: [rule] }).map((d) => d.code)).toEqual(['invalid-value']);
    expect(diagnosticsOf('version: 1\naccounts: {}\nfilesystems: {}\n', { rules: [rule] }).map(at)).toEqual(['always 1:10']);
  });

  it('loads with warnings when rules only warn', () => {
    const result = parseRunbook(
      `version: 1
accounts:
  a: { id: '111111111111', region: us-east-7 }
  b: { id: '111111111111', region: us-west-2 }
filesystems: {}
`,
      'rb.yaml',
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings.map((d) => `${d.severity} ${at(d)}`)).toEqual(['warning unknown-region 3:36']);
  });

  it('reports a rule that throws as a drctl bug instead of crashing', () => {
    const broken: RunbookRule = { code: 'broken', description: 'test', check: () => { throw new Error('boom'); } };
    const [d] = diagnosticsOf('version: 1\naccounts: {}\nfilesystems: {}\n', { rules: [broken] });
    expect(d).toMatchObject({ code: 'internal-rule-error', line: 1, col: 1 });
    expect(d?.message).toContain('boom');
  });
});

describe('renderDiagnostic', () => {
  it('prints file:line:col, the code and the message, then an indented hint', () => {
    const d: Diagnostic = {
      code: 'unknown-key', severity: 'error', file: 'runbooks/a.yaml', line: 3, col: 5, path: ['x'],
      message: "unknown key 'replicaton' in filesystems.efs-prod", hint: "did you mean 'replication'?",
    };
    expect(renderDiagnostic(d)).toBe("runbooks/a.yaml:3:5  unknown-key  unknown key 'replicaton' in filesystems.efs-prod\n  hint: did you mean 'replication'?");
    expect(renderDiagnostic({ ...d, severity: 'warning' })).toContain('  warning unknown-key  ');
  });
});
