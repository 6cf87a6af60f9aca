/**
 * The services the sandbox routes to. Adding a service is one line here: its module exports a SandboxService
 * (see types.ts) and, at import time, registers its advance hook and duration settings with the World.
 */
import type { SandboxService } from '../types.js';
import { cloudWatchService } from './cloudwatch/index.js';
import { efsService } from './efs/index.js';
import { stsService } from './sts/index.js';
import { s3Service } from './s3/index.js';
import { s3ControlService } from './s3control/index.js';
import { fsxService } from './fsx/index.js';

export const SANDBOX_SERVICES: readonly SandboxService[] = [
  stsService,
  efsService,
  cloudWatchService,
  s3Service,
  s3ControlService,
  fsxService,
];
