// A stand-in for a Node driver that dies mid-script: it runs the helper given as argv[2],
// sends a few lines that change knobs and mount a tmpfs, prints `running PID` and then idles
// until the test kills it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const helper = spawn(process.argv[2], [], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = [
  'mount tmpfs =always -',
  'thp shmem_enabled=within_size hugepages-64kB=always khugepaged.max_ptes_none=7',
  'pwrite 205 0 4096 -',
];
let sent = 0;
createInterface({ input: helper.stdout }).on('line', (l) => {
  if (l.startsWith('warn ')) return;
  if (sent < lines.length) helper.stdin.write(`${lines[sent++]}\n`);
  else process.stdout.write(`running ${helper.pid}\n`);
});
setInterval(() => {}, 1000);
