// A real Node Kue 0.11.6 peer for pykue's interop tests, driven from pytest.
//
//   node kue_peer.js <mode> '<json options>'
//
// options: {"host", "port", "prefix"?, ...mode options}. Every mode prints JSON lines on stdout
// ({"ready": ...} first) and exits on SIGTERM, on stdin closing, or after options.lifetime ms.
'use strict';

const kue = require('kue');
const events = require('kue/lib/queue/events');

const mode = process.argv[2];
const options = JSON.parse(process.argv[3] || '{}');

const queue = kue.createQueue({
  prefix: options.prefix || 'q',
  redis: { host: options.host || '127.0.0.1', port: options.port },
  promotion: { interval: 100 },
});

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  queue.shutdown(500, () => process.exit(code || 0));
  setTimeout(() => process.exit(code || 0), 2000).unref();
}
process.on('SIGTERM', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.resume();
setTimeout(() => stop(3), options.lifetime || 20000).unref();
queue.on('error', (err) => emit({ error: String(err) }));

// produce: create options.jobs = [{type, data, priority, attempts, backoff, backoffFn, delay,
// ttl, removeOnComplete}] in order, print {"ready": [ids]}.
function produce() {
  const ids = [];
  const next = (i) => {
    if (i >= options.jobs.length) {
      emit({ ready: ids });
      return;
    }
    const spec = options.jobs[i];
    const job = queue.create(spec.type, spec.data || {});
    if (spec.priority !== undefined) job.priority(spec.priority);
    if (spec.attempts !== undefined) job.attempts(spec.attempts);
    if (spec.backoff !== undefined) job.backoff(spec.backoff);
    if (spec.backoffFn !== undefined) job.backoff(eval('(' + spec.backoffFn + ')'));
    if (spec.delay !== undefined) job.delay(spec.delay);
    if (spec.ttl !== undefined) job.ttl(spec.ttl);
    if (spec.removeOnComplete) job.removeOnComplete(true);
    job.save((err) => {
      if (err) emit({ error: String(err) });
      ids.push(job.id);
      next(i + 1);
    });
  };
  next(0);
}

// worker: process options.types; data.fail -> error, else progress, log and a result.
function worker() {
  for (const type of options.types) {
    queue.process(type, 1, (job, done) => {
      job.log('node worked on %s', job.data.title || job.id);
      job.progress(1, 2, { half: true });
      if (job.data.fail) return done(new Error('boom ' + job.id));
      done(null, { echo: job.data, by: 'node' });
    });
  }
  emit({ ready: true });
}

// app: kue.app (the JSON API) on options.appPort.
function app() {
  const server = kue.app.listen(options.appPort, '127.0.0.1', () => emit({ ready: true }));
  process.on('SIGTERM', () => server.close());
}

// events: print every queue-level event ("job <name>") and, through the job-level API, what
// Node makes of it; options.publish = [[id, name, ...args]] is published once subscribed.
function listen() {
  const names = ['enqueue', 'start', 'progress', 'complete', 'failed', 'failed attempt',
    'remove', 'promotion', 'error'];
  for (const name of names) {
    queue.on('job ' + name, function () {
      emit({ event: name, args: Array.prototype.slice.call(arguments) });
    });
  }
  const waitSubscribed = () => {
    if (!events.subscribed) return setTimeout(waitSubscribed, 10);
    for (const item of options.publish || []) events.emit.apply(events, item);
    emit({ ready: true });
  };
  waitSubscribed();
}

const modes = { produce, worker, app, events: listen };
if (!modes[mode]) {
  emit({ error: 'unknown mode ' + mode });
  process.exit(2);
}
modes[mode]();
