import { Injectable, Module } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler, JobWiringError, QueueModule, QueueService, RequestContext, ValidationError, defineJob } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';

declare module '@app/platform' {
  interface JobPayloads {
    'test.echo': { value: string };
    'test.reject': { reason: string };
    'test.slow': { id: string };
    'test.orphan': { id: string };
  }
}

const echoJob = defineJob({ name: 'test.echo', queue: 'test', concurrency: 2 });
const rejectJob = defineJob({ name: 'test.reject', queue: 'test', options: { attempts: 5, backoff: { type: 'fixed', delay: 10 } } });
const slowJob = defineJob({ name: 'test.slow', queue: 'test' });
const orphanJob = defineJob({ name: 'test.orphan', queue: 'test' });

/** A latch the test opens: no sleeps, no timing assumptions. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

@Injectable()
class TestJobs {
  readonly seen: Array<{ value: string; requestId: string | undefined; jobId: string | undefined }> = [];
  readonly echoed = new Map<string, () => void>();
  slowStarted = latch();
  slowRelease = latch();
  slowFinished = false;

  @JobHandler('test.echo')
  async echo(data: { value: string }, job: Job): Promise<void> {
    this.seen.push({ value: data.value, requestId: RequestContext.current()?.requestId, jobId: job.id });
    this.echoed.get(data.value)?.();
  }

  @JobHandler('test.reject')
  async reject(data: { reason: string }): Promise<void> {
    throw new ValidationError(data.reason);
  }

  @JobHandler('test.slow')
  async slow(): Promise<void> {
    this.slowStarted.open();
    await this.slowRelease.promise;
    this.slowFinished = true;
  }
}

@Module({ imports: [QueueModule.forFeature([echoJob, rejectJob, slowJob])], providers: [TestJobs] })
class TestJobsModule {}

describe('queues: typed jobs, one handler each, idempotent ids', () => {
  let t: TestApp;
  let jobs: TestJobs;
  let queues: QueueService;

  beforeAll(async () => {
    t = await createTestApp({ imports: [TestJobsModule] });
    jobs = t.get(TestJobs);
    queues = t.get(QueueService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs the handler with the payload and the enqueuer’s request context', async () => {
    const done = latch();
    jobs.echoed.set('hello', done.open);
    await RequestContext.run({ requestId: 'req-queue-1' }, () => queues.enqueue('test.echo', { value: 'hello' }));
    await done.promise;
    expect(jobs.seen.find((s) => s.value === 'hello')).toMatchObject({ value: 'hello', requestId: 'req-queue-1' });
  });

  it('deduplicates jobs by idempotency key', async () => {
    const first = await queues.enqueue(
      'test.echo',
      { value: 'later' },
      { idempotencyKey: 'schedule:abc:2026-01-01T09:00', delay: 3_600_000 },
    );
    const second = await queues.enqueue(
      'test.echo',
      { value: 'later' },
      { idempotencyKey: 'schedule:abc:2026-01-01T09:00', delay: 3_600_000 },
    );
    expect(second).toBe(first);
    expect(first).not.toContain(':');
    const counts = await queues.queue('test').getJobCounts('delayed');
    expect(counts.delayed).toBe(1);
  });

  it('does not retry a job that failed with a 4xx domain error', async () => {
    const id = await queues.enqueue('test.reject', { reason: 'bad input' });
    const queue = queues.queue('test');
    let job = await queue.getJob(id);
    while (!(await job?.isFailed())) {
      await new Promise((r) => setTimeout(r, 20));
      job = await queue.getJob(id);
    }
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe('bad input');
  });
});

describe('queues: wiring is checked at startup', () => {
  it('refuses to start when a defined job has no handler', async () => {
    @Module({ imports: [QueueModule.forFeature([orphanJob])] })
    class OrphanModule {}
    await expect(createTestApp({ imports: [OrphanModule] })).rejects.toThrow(new JobWiringError('no @JobHandler for job(s): test.orphan'));
  });

  it('refuses two handlers for one job', async () => {
    @Injectable()
    class SecondEcho {
      @JobHandler('test.echo')
      async echo(): Promise<void> {}
    }
    @Module({ imports: [TestJobsModule], providers: [SecondEcho] })
    class DuplicateModule {}
    await expect(createTestApp({ imports: [DuplicateModule] })).rejects.toThrow('job "test.echo" has more than one @JobHandler');
  });
});

describe('queues: graceful shutdown drains active jobs', () => {
  it('lets an active job finish before the process closes', async () => {
    const t = await createTestApp({ imports: [TestJobsModule] });
    const jobs = t.get(TestJobs);
    const id = await t.get(QueueService).enqueue('test.slow', { id: 'x' });
    await jobs.slowStarted.promise;

    let closed = false;
    const closing = t.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    expect(jobs.slowFinished).toBe(false);

    jobs.slowRelease.open();
    await closing;
    expect(jobs.slowFinished).toBe(true);
    expect(id).toBeTruthy();
  });
});
