// Kue 0.11.6: producer and worker for the benchmark (see ../peers/node_peers.py).
'use strict';
const kue = require('kue');
const { recorder, send, done, redisOptions, CONCURRENCY } = require('./common');

const [mode, url, count, rate, sendMode] = process.argv.slice(2);
const queue = kue.createQueue({ redis: redisOptions(url) });

async function main() {
  if (mode === 'send') {
    const one = (t) => new Promise((resolve, reject) => {
      queue.create('noop', { t }).save((err) => (err ? reject(err) : resolve()));
    });
    const seconds = await send(one, Number(count), Number(rate), sendMode);
    done(seconds);
    queue.shutdown(1000, () => process.exit(0));
  } else if (mode === 'worker') {
    const hit = recorder();
    queue.process('noop', CONCURRENCY, (job, ctx, finish) => {
      hit(job.data.t);
      finish();
    });
    process.on('SIGTERM', () => process.exit(0));
  } else {
    throw new Error(`kue has no mode ${mode}`);
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
