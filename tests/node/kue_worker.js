// A real Node Kue 0.11.6 worker for pykue's worker interop test, driven from pytest.
//
//   node kue_worker.js '{"port": 6379, "type": "interop", "concurrency": 3, "runs": "test:runs"}'
//
// Processes jobs of options.type: appends "node:<id>" to the list options.runs, waits
// options.sleep ms, completes with {"by": "node"}. Prints {"ready": true} once processing, and
// shuts down gracefully on SIGTERM or when stdin closes.
'use strict';

const kue = require('kue');

const options = JSON.parse(process.argv[2] || '{}');
const queue = kue.createQueue({
  prefix: options.prefix || 'q',
  redis: { host: options.host || '127.0.0.1', port: options.port },
  promotion: { interval: 100 },
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  queue.shutdown(2000, () => process.exit(0));
  setTimeout(() => process.exit(0), 4000).unref();
}
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
queue.on('error', (err) => process.stdout.write(JSON.stringify({ error: String(err) }) + '\n'));

queue.process(options.type, options.concurrency || 1, (job, done) => {
  queue.client.rpush(options.runs, 'node:' + job.id, (err) => {
    if (err) return done(err);
    setTimeout(() => done(null, { by: 'node' }), options.sleep || 2);
  });
});
process.stdout.write(JSON.stringify({ ready: true }) + '\n');
