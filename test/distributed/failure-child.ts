// One rank of test/distributed/failure.test.ts. argv[2] picks the scenario; the rank
// prints {error, ms} as JSON: the error it got (null: none) and when, in ms after the
// scenario began.
import * as fs from 'fs';
import * as tg from '../../lib';

const d = tg.distributed;
const scenario = process.argv[2];
const timeout = Number(process.argv[3] ?? 5000);

function report(error: unknown, t0: number, extra: object = {}): void {
  console.log(JSON.stringify({ error: error === null ? null : String((error as Error).message), ms: Date.now() - t0, ...extra }));
}

/** The addresses this process listens on (TCP, from /proc: its sockets' inodes). */
function listeningAddresses(): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // the fd closed meanwhile
    }
  }
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9])) out.push(f[1]); // 0A: LISTEN; local "HEXADDR:HEXPORT"
    }
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  if (scenario === 'missing' || scenario === 'no-gloo') {
    try {
      d.initProcessGroup({ timeout });
      report(null, t0);
    } catch (e) {
      report(e, t0);
    }
    return;
  }
  d.initProcessGroup({ timeout });
  const rank = d.getRank();
  if (scenario === 'listen') {
    report(null, t0, { listening: listeningAddresses() });
    d.barrier();
    d.destroyProcessGroup();
    return;
  }
  const t = tg.ones([1000]);
  d.allReduce(t);
  const t1 = Date.now();
  if (rank === 1) {
    if (scenario === 'exit') process.exit(3);
    if (scenario === 'throw') throw new RangeError('the data ran out');
    if (scenario === 'kill') process.kill(process.pid, 'SIGKILL');
    if (scenario === 'stuck') {
      await new Promise((r) => setTimeout(r, timeout + 3000));
      process.exit(0);
    }
  }
  try {
    for (let i = 0; i < 1000; i++) d.allReduce(t);
    report(null, t1);
  } catch (e) {
    report(e, t1);
  }
  // Rank 0 hosts the store, where the others read why a rank left: it stays a moment so that
  // a slower rank's failed collective can still ask (if it left first, they could not).
  if (rank === 0) await new Promise((r) => setTimeout(r, 1000));
  process.exit(0);
}

void main();
