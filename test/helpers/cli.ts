import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Every server a test spawned; whatever a failing test left running dies with the test worker. */
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const proc of spawned) proc.kill('SIGKILL');
});

export interface Running {
  url: string;
  proc: ChildProcess;
  output: () => string;
  /** Resolves once the output (stdout and stderr) contains `text`. */
  waitForOutput(text: string | RegExp): Promise<string>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns the built CLI (with Node flags first, if any) and resolves once it prints its URL. */
export function startCli(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Running> {
  const proc = spawn(process.execPath, [...nodeArgs, CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.add(proc);
  proc.once('exit', () => spawned.delete(proc));
  let out = '';
  const waiting = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not print its URL in time:\n${out}`)), 10_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      for (const check of waiting) check();
      const m = /(http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          proc,
          output: () => out,
          waitForOutput: (text) =>
            new Promise<string>((found, lost) => {
              const seen = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
              if (seen()) return found(out);
              const check = () => {
                if (!seen()) return;
                waiting.delete(check);
                found(out);
              };
              waiting.add(check);
              void exited.then(() => waiting.has(check) && lost(new Error(`The CLI exited without printing ${String(text)}:\n${out}`)));
            }),
          stop: (signal = 'SIGTERM') => {
            proc.kill(signal);
            return exited;
          },
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
      for (const check of waiting) check();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${String(code)} before printing its URL:\n${out}`));
    });
  });
}

/** Runs the CLI to completion (for --help, --version, bad flags). */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
