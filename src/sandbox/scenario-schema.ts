/**
 * The scenario file (`drctl sandbox --scenario file.yaml`, `openSandbox({ scenario })`): seed, base account, extra
 * accounts/roles, duration settings and faults. Validated with zod so a typo is reported by field, not ignored.
 */
import { z } from 'zod';
import { parseDuration } from '../util/duration.js';

const SERVICE = z.enum(['efs', 'fsx', 's3', 's3control', 'sts', 'cloudwatch']);

const matchSchema = z
  .object({
    service: SERVICE.optional(),
    operation: z.string().optional(),
    accountId: z.string().optional(),
    region: z.string().optional(),
    attempt: z.number().int().min(1).optional().describe('Only this SDK attempt (amz-sdk-request attempt=N).'),
  })
  .strict();

const counted = {
  match: matchSchema.optional(),
  count: z.number().int().min(1).optional().describe('Fail only the next N matching requests.'),
  rate: z.number().min(0).max(1).optional().describe('Fail this fraction of matching requests (seeded PRNG).'),
};

export const scenarioFaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('throttle'), ...counted }).strict(),
  z.object({ kind: z.literal('server-error'), status: z.number().int().min(500).max(599).optional(), ...counted }).strict(),
  z.object({ kind: z.literal('access-denied'), ...counted }).strict(),
  z.object({ kind: z.literal('latency'), ms: z.number().min(0), match: matchSchema.optional() }).strict(),
  z.object({ kind: z.literal('region-down'), region: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('condition'), name: z.string().min(1), resourceId: z.string().optional() }).strict(),
]);

const settingValue = z.union([z.string(), z.number(), z.boolean()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 2s or 500ms, not '${value}'` });
    return z.NEVER;
  }
  return ms;
});

export const scenarioSchema = z
  .object({
    seed: z.number().int().optional().describe('Seed for ids and fault probabilities (default 1).'),
    baseAccount: z.string().regex(/^\d{12}$/).optional().describe('Account of the base key AKIDSANDBOX.'),
    accounts: z
      .array(
        z
          .object({
            id: z.string().regex(/^\d{12}$/),
            name: z.string().optional(),
            roles: z.array(z.object({ arn: z.string(), externalId: z.string().optional() }).strict()).default([]),
          })
          .strict(),
      )
      .default([]),
    settings: z.record(z.string(), settingValue).default({}).describe('Duration settings by key, e.g. efs.enabling: 5s.'),
    faults: z.array(scenarioFaultSchema).default([]),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioFault = z.infer<typeof scenarioFaultSchema>;
