import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModelFuzz } from '../../conformance/index.js';
import { freePort, type RunningIssuer, startIssuer } from '../../testing/index.js';
import { demoTarget } from './demo-target.js';
import { type ReplayingProxy, startReplayingProxy } from './replaying-proxy.js';

const IAE = { interactiveAuthorization: { iae: { enabled: true } } };

describe('model.sequences: model-based fuzzing against the engine model (issue 17 §1)', () => {
  let running: RunningIssuer;
  beforeAll(async () => {
    running = await startIssuer(IAE);
  });
  afterAll(() => running.stop());

  it('model.sequences: our unmodified issuer (SQLite) agrees with the model on every dialect', async () => {
    const results = await runModelFuzz(demoTarget(running), { seed: 17, runs: 30 });
    expect(results.map((r) => [r.dialect, r.outcome, r.detail])).toEqual(
      ['l', 's1', 's2', 's3'].map((dialect) => [dialect, 'passed', undefined]),
    );
    expect(results.every((r) => r.id === 'model.sequences' && r.requirement.includes('engine/machine.ts'))).toBe(true);
  });

  it('model.sequences: without pidTrust the model cannot trust the PIDs, and every dialect is skipped', async () => {
    const { pidTrust: _, ...target } = demoTarget(running);
    const results = await runModelFuzz(target, { seed: 17, runs: 1 });
    expect(results.map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('model.sequences: fails closed when the model cannot be configured from the target (no metadata)', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const results = await runModelFuzz(demoTarget(running, nobody), { seed: 17, runs: 1 });
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(results[0]!.detail).toMatch(/^the model could not be configured from the target: /);
  });
});

describe('model.sequences: the oracle catches a deliberately different target (RFC 6749 §4.1.2)', () => {
  let proxy: ReplayingProxy;
  let running: RunningIssuer;
  beforeAll(async () => {
    proxy = await startReplayingProxy();
    running = await startIssuer({ ...IAE, publicUrl: proxy.url });
    proxy.upstream = running.url;
  });
  afterAll(async () => {
    await running.stop();
    await proxy.close();
  });

  it('model.sequences: a replayed code answered with the first success is a shrunk counterexample with its seed and path, which replays', async () => {
    const target = { ...demoTarget(running, proxy.url), dialects: ['l'] as const };
    const options = { seed: 17, runs: 30 };
    const [l] = await runModelFuzz(target, options);
    expect(l!.outcome).toBe('failed');
    expect(l!.detail).toMatch(
      /token request with the last code \(valid\): the target answered 2xx, the model 4xx invalid_grant/,
    );
    expect(l!.detail).toMatch(/Replay with seed 17, path "[\d:]+", replayPath "[^"]+"/);
    // Shrunk to the minimal sequence: start, present, follow-up, then the code twice.
    expect(l!.detail!.split('Sequence: ')[1]!.split('. Replay')[0]!.split('; ')).toHaveLength(5);
    const [, path, replayPath] = /path "([^"]+)", replayPath "([^"]+)"/.exec(l!.detail!)!;
    const [replayed] = await runModelFuzz(target, { ...options, path, replayPath });
    expect(replayed!.outcome).toBe('failed');
    expect(replayed!.detail!.split('. Replay')[0]).toBe(l!.detail!.split('. Replay')[0]);
  });
});
