import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ProbeError } from './errors.js';

/** How long the helper may take to start: it waits up to 10 minutes for another probe's lock. */
const START_TIMEOUT_MS = 660_000;

/**
 * The running helper process: sends request lines, hands back response lines, and collects
 * `warn` lines. One request at a time.
 *
 * The helper runs in its own session and process group (`detached`), so a terminal's Ctrl-C,
 * which signals the whole foreground process group, reaches only Node: the driver then ends the
 * command in flight and sends `quit`, rather than the helper dying mid-command. It still dies
 * with Node (its PR_SET_PDEATHSIG), and the driver kills it on any failure.
 */
export class HelperProcess {
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #lines: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #closed = false;
  #stderr = '';
  #exit: string | undefined;
  readonly #exited: Promise<void>;
  /** `warn` messages, in order. */
  readonly warnings: string[] = [];

  private constructor(path: string, verify: boolean | undefined) {
    // FOLIOLOG_PROBE_VERIFY=1: observe the whole file after every command too (probe.c,
    // observation); inherited from the environment unless `verify` says.
    const env = verify === undefined ? process.env : { ...process.env, FOLIOLOG_PROBE_VERIFY: verify ? '1' : '0' };
    this.#child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env });
    this.#exited = new Promise((resolve) => {
      this.#child.on('close', (code, signal) => {
        this.#exit = signal !== null ? `killed by ${signal}` : `exit status ${code ?? '?'}`;
        resolve();
      });
      this.#child.on('error', (e) => {
        this.#exit = `did not start: ${e.message}`;
        this.#eof();
        resolve();
      });
    });
    this.#child.stdin.on('error', () => {}); // EPIPE after a crash: reported by the next read
    this.#child.stderr.on('data', (b: Buffer) => {
      this.#stderr = (this.#stderr + b.toString('utf8')).slice(-2000);
    });
    const rl = createInterface({ input: this.#child.stdout });
    rl.on('line', (l) => {
      const w = this.#waiter;
      this.#waiter = undefined;
      if (w !== undefined) w(l);
      else this.#lines.push(l);
    });
    rl.on('close', () => this.#eof());
  }

  /**
   * Spawns the helper and waits for `ready RELEASE`. An abort of `stop` during the wait (which
   * lasts up to 10 minutes while another probe holds the lock) kills the helper: it restores
   * whatever it changed on SIGTERM. `verify`: the helper checks every shortcut observation
   * against a whole-file one. Throws ProbeError E_HELPER, also after such an abort.
   */
  static async start(path: string, onSpawn?: (pid: number) => void, stop?: AbortSignal, verify?: boolean): Promise<{ helper: HelperProcess; release: string }> {
    const helper = new HelperProcess(path, verify);
    if (helper.pid !== undefined) onSpawn?.(helper.pid);
    const onAbort = (): void => void helper.kill();
    stop?.addEventListener('abort', onAbort, { once: true });
    if (stop?.aborted === true) onAbort();
    let first: string;
    try {
      first = await helper.#response(START_TIMEOUT_MS, 'start-up');
    } finally {
      stop?.removeEventListener('abort', onAbort);
    }
    if (!first.startsWith('ready ')) await helper.#fail(`unexpected first line '${first}'`);
    return { helper, release: first.slice('ready '.length) };
  }

  /** The helper's pid (undefined if it did not start). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends one request and returns its response line (never a `warn` line). */
  async request(line: string, timeoutMs: number, what: string): Promise<string> {
    if (this.#closed) return this.#fail(`is gone before ${what}`);
    this.#child.stdin.write(`${line}\n`);
    return this.#response(timeoutMs, what);
  }

  /** Asks the helper to clean up and exit, and waits for it. */
  async quit(timeoutMs: number): Promise<void> {
    const bye = await this.request('quit', timeoutMs, 'quit');
    if (bye !== 'bye') await this.#fail(`answered '${bye}' to quit`);
    await this.#exited;
  }

  /** SIGTERM: the helper cleans up on its own (its handler restores knobs and unmounts). */
  async kill(): Promise<void> {
    if (this.#exit === undefined) this.#child.kill('SIGTERM');
    await this.#exited;
  }

  #eof(): void {
    this.#closed = true;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.(undefined);
  }

  #next(timeoutMs: number): Promise<string | undefined> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new ProbeError('E_HELPER', `the probe helper did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiter = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
    });
  }

  async #response(timeoutMs: number, what: string): Promise<string> {
    for (;;) {
      let line: string | undefined;
      try {
        line = await this.#next(timeoutMs);
      } catch (e) {
        await this.kill();
        throw e;
      }
      if (line === undefined) return this.#fail(`exited during ${what}`);
      if (line.startsWith('warn ')) this.warnings.push(line.slice('warn '.length));
      else if (line.startsWith('fatal ')) return this.#fail(`failed during ${what}: ${line.slice('fatal '.length)}`);
      else return line;
    }
  }

  async #fail(msg: string): Promise<never> {
    await this.kill();
    const tail = this.#stderr.trim().split('\n').at(-1) ?? '';
    throw new ProbeError('E_HELPER', `the probe helper ${msg} (${this.#exit ?? 'running'})${tail ? `: ${tail}` : ''}`);
  }
}
