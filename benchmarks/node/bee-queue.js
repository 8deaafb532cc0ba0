// bee-queue: producer and worker for the benchmark (see ../peers/node_peers.py).
'use strict';
const Queue = require('bee-queue');
const { recorder, send, done, redisOptions, CONCURRENCY } = require('./common');

const [mode, url, count, rate, sendMode] = process.argv.slice(2);

async function main() {
  if (mode === 'worker') {
    const queue = new Queue('bench', { redis: redisOptions(url), removeOnSuccess: true });
    const hit = recorder();
    queue.process(CONCURRENCY, async (job) => { hit(job.data.t); });
    process.on('SIGTERM', () => process.exit(0));
    return;
  }
  const queue = new Queue('bench', {
    redis: redisOptions(url), isWorker: false, getEvents: false, sendEvents: false,
  });
  await queue.ready();
  let seconds;
  if (mode === 'send') {
    const one = (t) => queue.createJob({ t }).save();
    seconds = await send(one, Number(count), Number(rate), sendMode);
  } else if (mode === 'bulk') {
    const start = performance.now();
    const jobs = Array.from({ length: Number(count) }, () => queue.createJob({ t: 0 }));
    await queue.saveAll(jobs);
    seconds = (performance.now() - start) / 1000;
  } else {
    throw new Error(`bee-queue has no mode ${mode}`);
  }
  done(seconds);
  await queue.close();
  process.exit(0);
}

main().catch((err) => { console.error(err); process.exit(1); });
