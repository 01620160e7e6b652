#!/usr/bin/env node
import { progressBar } from '../report/index.js';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: { write: (s) => void process.stdout.write(s) },
  stderr: { write: (s) => void process.stderr.write(s) },
  now: () => new Date(),
  variables: process.env,
  // A bar only where it stands alone: a terminal on stderr, stdout going elsewhere.
  progress: process.stderr.isTTY && !process.stdout.isTTY ? (total, label, unit) => progressBar(process.stderr, total, label, unit) : undefined,
});
