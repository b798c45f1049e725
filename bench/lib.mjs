// Helpers shared by the benchmark's parts: servers in their own processes, load, timings.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const BASELINE = fileURLToPath(new URL('./baseline.mjs', import.meta.url));
export const RECEIVER = fileURLToPath(new URL('./receiver.mjs', import.meta.url));
export const AUTH = { authorization: 'Bearer sk_test_commflow' };
export const DURATION = Number(process.env.BENCH_DURATION ?? 5);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** The mock's arguments for a benchmark run (a load test is far over any plan's limit). */
export const mockArgs = (...extra) => [CLI, '--port', '0', '--log-level', 'silent', '--no-rate-limit', ...extra];

/**
 * With two cores or more and taskset (util-linux), each server runs on the last core (the load
 * generator, this process, may use any): a server is never moved between cores mid-run, and
 * the figures move far less from run to run. BENCH_PIN=0 turns it off.
 */
const SERVER_CPU = (() => {
  if (process.env.BENCH_PIN === '0' || availableParallelism() < 2) return undefined;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return String(availableParallelism() - 1);
  } catch {
    return undefined;
  }
})();
export const PINNED = SERVER_CPU !== undefined;

const children = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Spawns a server and resolves once its output matches `ready` (by default: the first URL it prints, as `url`). */
export function start(args, ready = /(http:\/\/[\d.]+:\d+\S*)/) {
  const t0 = performance.now();
  const [command, argv] = SERVER_CPU === undefined ? [process.execPath, args] : ['taskset', ['-c', SERVER_CPU, process.execPath, ...args]];
  const proc = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c) => {
      out += c;
      const m = ready.exec(out);
      if (m) {
        proc.stdout.off('data', onData);
        resolve({ proc, url: m[1], t0, output: () => out });
      }
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

export function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', resolve);
    proc.kill('SIGTERM');
  });
}

export async function firstOk(url, headers = {}) {
  for (;;) {
    try {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Resident memory of a process now and at its peak, in MB. */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** CPU time a process has used (user + system), in ms; undefined where /proc is not there. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime and stime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

/** One autocannon run; with `pid`, also the server's CPU time per answered request (µs). */
export async function load(url, opts = {}, pid = undefined) {
  const cpu0 = pid && cpuMs(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...opts });
  const cpu1 = pid && cpuMs(pid);
  const cpuUs = cpu0 !== undefined && cpu1 !== undefined && result.requests.total > 0 ? ((cpu1 - cpu0) * 1000) / result.requests.total : undefined;
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, cpuUs };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const pad = (s, n) => String(s).padEnd(n);
export const ratio = (a, b) => Number((a / b).toFixed(2));
