// BullMQ (Node): producer and worker for the benchmark (see ../peers/node_peers.py).
'use strict';
const { Queue, Worker } = require('bullmq');
const { recorder, send, done, redisOptions, CONCURRENCY } = require('./common');

const [mode, url, count, rate, sendMode] = process.argv.slice(2);
const connection = redisOptions(url);
const opts = { removeOnComplete: true };

async function main() {
  if (mode === 'worker') {
    const hit = recorder();
    const worker = new Worker('bench', async (job) => { hit(job.data.t); },
      { connection, concurrency: CONCURRENCY });
    process.on('SIGTERM', () => worker.close().then(() => process.exit(0)));
    return;
  }
  const queue = new Queue('bench', { connection });
  let seconds;
  if (mode === 'send') {
    const one = (t) => queue.add('noop', { t }, opts);
    seconds = await send(one, Number(count), Number(rate), sendMode);
  } else if (mode === 'bulk') {
    const start = performance.now();
    const jobs = Array.from({ length: Number(count) }, () => ({ name: 'noop', data: { t: 0 }, opts }));
    await queue.addBulk(jobs);
    seconds = (performance.now() - start) / 1000;
  } else {
    throw new Error(`bullmq has no mode ${mode}`);
  }
  done(seconds);
  await queue.close();
  process.exit(0);
}

main().catch((err) => { console.error(err); process.exit(1); });
