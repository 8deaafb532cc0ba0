// Shared by the Node peers: the recorder (as benchmarks/recorder.py) and the paced sender.
'use strict';
const fs = require('fs');
const path = require('path');

const nowSeconds = () => (performance.timeOrigin + performance.now()) / 1000;

function recorder() {
  const state = { n: 0, first: 0, last: 0, warm: 0, lat: [] };
  const file = path.join(process.env.BENCH_STATS_DIR || '.', `${process.pid}.json`);
  let seen = '';
  setInterval(() => {
    const key = `${state.n}/${state.warm}/${state.lat.length}`;
    if (key === seen) return;
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
    seen = key;
  }, 50);
  return (t) => {
    const now = nowSeconds();
    if (t === 0) {
      if (!state.n) state.first = now;
      state.n += 1;
      state.last = now;
    } else if (t < 0) {
      state.warm += 1;
    } else {
      state.lat.push(now - t);
    }
  };
}

function stamp(mode) {
  if (mode === 'zero') return 0;
  if (mode === 'warm') return -1;
  return nowSeconds();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Enqueue `count` jobs one call each via `one(t)`, `rate` per second (0: as fast as possible).
async function send(one, count, rate, mode) {
  const start = performance.now();
  for (let i = 0; i < count; i += 1) {
    if (rate) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await one(stamp(mode));
  }
  return (performance.now() - start) / 1000;
}

function done(seconds) {
  process.stdout.write(`${JSON.stringify({ seconds })}\n`);
}

function redisOptions(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

module.exports = { recorder, send, done, redisOptions, CONCURRENCY: 10 };
