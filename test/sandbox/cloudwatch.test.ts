import { GetMetricDataCommand, InvalidParameterValueException, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateReplicationConfigurationCommand, DescribeFileSystemsCommand } from '@aws-sdk/client-efs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { ACCOUNT_A, errorOf, makeCoreKit, REGION_A, REGION_B, type CoreKit } from './kit.js';

function timeSinceLastSync(source: string, destination: string | undefined, start: Date, end: Date, stat = 'Maximum') {
  return new GetMetricDataCommand({
    StartTime: start,
    EndTime: end,
    MetricDataQueries: [
      {
        Id: 'lag',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/EFS',
            MetricName: 'TimeSinceLastSync',
            Dimensions: [{ Name: 'FileSystemId', Value: source }, ...(destination ? [{ Name: 'DestinationFileSystemId', Value: destination }] : [])],
          },
          Period: 60,
          Stat: stat,
        },
      },
    ],
  });
}

describe('sandbox CloudWatch GetMetricData (AWS/EFS TimeSinceLastSync)', () => {
  let kit: CoreKit;
  let cw: CloudWatchClient;
  let source: string;
  let destination: string;
  beforeEach(async () => {
    kit = makeCoreKit();
    kit.world.setDuration('efs.syncInterval', 10_000);
    source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {}).fileSystemId;
    const out = await kit.efs(ACCOUNT_A, REGION_A).send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source, Destinations: [{ Region: REGION_B }] }));
    destination = out.Destinations?.[0]?.FileSystemId ?? '';
    cw = kit.cloudwatch(ACCOUNT_A, REGION_A);
  });

  it('reports the seconds since the last sync per period, newest first, bounded by the sync interval while healthy', async () => {
    const start = new Date(kit.clock.now());
    kit.clock.advance(5 * 60_000);
    await kit.efs(ACCOUNT_A, REGION_A).send(new DescribeFileSystemsCommand({}));
    const out = await cw.send(timeSinceLastSync(source, destination, start, new Date(kit.clock.now())));
    const result = out.MetricDataResults?.[0];
    expect(result?.Id).toBe('lag');
    expect(result?.StatusCode).toBe('Complete');
    expect(result?.Timestamps).toHaveLength(5);
    const times = (result?.Timestamps ?? []).map((t) => t.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const value of result?.Values ?? []) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(10);
    }
  });

  it('grows while the source region is down (replication frozen)', async () => {
    kit.clock.advance(60_000);
    kit.world.faults.setRegionDown(REGION_A);
    kit.clock.advance(10 * 60_000);
    const cwB = kit.cloudwatch(ACCOUNT_A, REGION_B);
    const out = await cwB.send(timeSinceLastSync(source, destination, new Date(kit.clock.now() - 60_000), new Date(kit.clock.now())));
    const newest = out.MetricDataResults?.[0]?.Values?.[0] ?? 0;
    expect(newest).toBeGreaterThan(9 * 60);
  });

  it('returns an empty series for unknown file systems and other metrics', async () => {
    kit.clock.advance(120_000);
    const out = await cw.send(timeSinceLastSync('fs-0123456789abcdef0', undefined, new Date(kit.clock.now() - 120_000), new Date(kit.clock.now())));
    expect(out.MetricDataResults?.[0]?.Values).toEqual([]);
  });

  it('rejects an inverted time range with InvalidParameterValue (query-compatible error fields)', async () => {
    const error = await errorOf(cw.send(timeSinceLastSync(source, destination, new Date(kit.clock.now()), new Date(kit.clock.now() - 1000))));
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect(error['Code']).toBe('InvalidParameterValue');
    expect(error['Type']).toBe('Sender');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('sandbox CloudWatch over awsQuery (older AWS CLIs)', () => {
  const signed = (region: string) => `AWS4-HMAC-SHA256 Credential=AKIDCORE${ACCOUNT_A}/20260101/${region}/monitoring/aws4_request, SignedHeaders=host, Signature=0`;

  it('decodes .member.N queries and answers XML with the GetMetricDataResult wrapper', async () => {
    const kit = makeCoreKit();
    const source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {}).fileSystemId;
    await kit.efs(ACCOUNT_A, REGION_A).send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source, Destinations: [{ Region: REGION_B }] }));
    kit.clock.advance(180_000);
    const params = new URLSearchParams({
      Action: 'GetMetricData',
      Version: '2010-08-01',
      'MetricDataQueries.member.1.Id': 'm1',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/EFS',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'TimeSinceLastSync',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'FileSystemId',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': source,
      'MetricDataQueries.member.1.MetricStat.Period': '60',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Maximum',
      StartTime: new Date(kit.clock.now() - 120_000).toISOString(),
      EndTime: new Date(kit.clock.now()).toISOString(),
    });
    const response = await kit.handler.router.handle({
      method: 'POST',
      path: '/',
      query: {},
      headers: { authorization: signed(REGION_A), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      host: 'localhost',
      body: Buffer.from(params.toString()),
    });
    const xml = String(response.body);
    expect(response.status).toBe(200);
    expect(xml).toContain('<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult>');
    expect(xml).toMatch(/<Id>m1<\/Id><Label>TimeSinceLastSync<\/Label><Timestamps><member>2026-01-01T00:02:00.000Z<\/member><member>2026-01-01T00:01:00.000Z<\/member><\/Timestamps>/);
    expect(xml).toContain('<StatusCode>Complete</StatusCode>');

    const bad = await kit.handler.router.handle({
      method: 'POST',
      path: '/',
      query: {},
      headers: { authorization: signed(REGION_A), 'content-type': 'application/x-www-form-urlencoded' },
      host: 'localhost',
      body: Buffer.from('Action=GetMetricData&Version=2010-08-01&StartTime=2026-01-01T00:00:00Z&EndTime=2026-01-01T01:00:00Z'),
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body)).toMatch(/<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>MissingParameter<\/Code>/);
  });
});
