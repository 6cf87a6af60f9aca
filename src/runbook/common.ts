/** Building blocks shared by the runbook schema files: formats AWS validates, with examples and hints. */
import { z } from 'zod';
import { DURATION_PATTERN } from '../util/duration.js';

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}-((iso[a-z]?-)|(gov-))?[a-z]+-?[0-9]?$/;
export const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-/]+$/;
export const EFS_ID = /^fs-[0-9a-f]{8,40}$/;
export const FSX_ID = /^fs-[0-9a-f]{8,}$/;
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const durationSchema = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), 'expected a duration such as 90s, 15m, 1h or 1h30m')
  .describe('A duration: a number followed by ms, s, m, h or d, e.g. `15m`, `1h30m`.')
  .meta({ examples: ['15m', '1h'] });

export const nameSchema = z
  .string()
  .regex(NAME, 'expected a lowercase name (a-z, 0-9, - and _), at most 63 characters, starting with a letter or digit');

export const roleArnSchema = z
  .string()
  .regex(ROLE_ARN, 'expected an IAM role ARN such as arn:aws:iam::123456789012:role/drctl')
  .meta({ examples: ['arn:aws:iam::111111111111:role/drctl-operator'] });

export const retrySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(20).default(3).describe('Attempts in all, the first included. Default 3.'),
    initialInterval: durationSchema.default('1s').describe('Delay before the first retry. Default 1s.'),
    backoffCoefficient: z.number().min(1).max(10).default(2).describe('Each delay is the previous one times this. Default 2.'),
    maximumInterval: durationSchema.default('30s').describe('Upper bound of a delay. Default 30s.'),
  })
  .strict()
  .describe(
    'How the engine retries a step that failed with a retryable AWS error (throttling, 5xx, timeouts). ' +
      'AccessDenied, validation and not-found errors are never retried.',
  );
export type RetryPolicy = z.infer<typeof retrySchema>;
