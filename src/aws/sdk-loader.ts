/**
 * Lazy access to the AWS SDK. Nothing here is imported at module load: each service package is pulled in by
 * `import()` on the first call that needs it, so `drctl validate`, `schema` and `--help` never pay for the SDK.
 * The loader is an interface so tests can count what was loaded and when.
 */
import type { ServiceName } from './operations.js';

/** The parts of an SDK client drctl uses. */
export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: unknown }): Promise<unknown>;
  middlewareStack: {
    add(middleware: unknown, options: { step: string; name: string; priority?: 'high' | 'normal' | 'low'; override?: boolean }): void;
  };
  destroy(): void;
}

export type SdkClientConstructor = new (config: Record<string, unknown>) => SdkClient;
export type SdkCommandConstructor = new (input: unknown) => unknown;

export interface ServiceModule {
  Client: SdkClientConstructor;
  /** The `<Operation>Command` class, or undefined when the package has none by that name. */
  command(operation: string): SdkCommandConstructor | undefined;
}

/** Credential provider factories from @aws-sdk/credential-providers, typed as drctl uses them. */
export interface CredentialProvidersModule {
  fromNodeProviderChain(init?: Record<string, unknown>): CredentialProvider;
  fromIni(init?: Record<string, unknown>): CredentialProvider;
  fromTemporaryCredentials(init: Record<string, unknown>): CredentialProvider;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialProvider = (options?: Record<string, unknown>) => Promise<AwsCredentials>;

export interface SdkLoader {
  loadService(service: ServiceName): Promise<ServiceModule>;
  loadCredentialProviders(): Promise<CredentialProvidersModule>;
}

const CLIENT_CLASS: Record<ServiceName, string> = {
  efs: 'EFSClient',
  fsx: 'FSxClient',
  s3: 'S3Client',
  s3control: 'S3ControlClient',
  sts: 'STSClient',
  cloudwatch: 'CloudWatchClient',
};

/** One literal import() per package so bundlers and type checkers see every dependency. */
async function importServicePackage(service: ServiceName): Promise<Record<string, unknown>> {
  switch (service) {
    case 'efs':
      return (await import('@aws-sdk/client-efs')) as unknown as Record<string, unknown>;
    case 'fsx':
      return (await import('@aws-sdk/client-fsx')) as unknown as Record<string, unknown>;
    case 's3':
      return (await import('@aws-sdk/client-s3')) as unknown as Record<string, unknown>;
    case 's3control':
      return (await import('@aws-sdk/client-s3-control')) as unknown as Record<string, unknown>;
    case 'sts':
      return (await import('@aws-sdk/client-sts')) as unknown as Record<string, unknown>;
    case 'cloudwatch':
      return (await import('@aws-sdk/client-cloudwatch')) as unknown as Record<string, unknown>;
  }
}

function asServiceModule(service: ServiceName, pkg: Record<string, unknown>): ServiceModule {
  const Client = pkg[CLIENT_CLASS[service]];
  if (typeof Client !== 'function') throw new Error(`the ${service} SDK package has no ${CLIENT_CLASS[service]} export`);
  return {
    Client: Client as SdkClientConstructor,
    command(operation) {
      const Command = pkg[`${operation}Command`];
      return typeof Command === 'function' ? (Command as SdkCommandConstructor) : undefined;
    },
  };
}

export const defaultSdkLoader: SdkLoader = {
  async loadService(service) {
    return asServiceModule(service, await importServicePackage(service));
  },
  async loadCredentialProviders() {
    return (await import('@aws-sdk/credential-providers')) as unknown as CredentialProvidersModule;
  },
};

/** Wraps a loader so each package is imported once even under concurrent first calls. */
export function cachingSdkLoader(inner: SdkLoader): SdkLoader {
  const services = new Map<ServiceName, Promise<ServiceModule>>();
  let providers: Promise<CredentialProvidersModule> | undefined;
  return {
    loadService(service) {
      let loaded = services.get(service);
      if (!loaded) {
        loaded = inner.loadService(service);
        services.set(service, loaded);
      }
      return loaded;
    },
    loadCredentialProviders() {
      providers ??= inner.loadCredentialProviders();
      return providers;
    },
  };
}
