// A real Kue 0.11.6 process: saves and works a few jobs, then serves kue.app's JSON API.
// Usage: node kue_app_peer.js <http port> <redis port>. Prints "ready" when the API listens.
"use strict";
const kue = require("kue");

const [httpPort, redisPort] = process.argv.slice(2).map(Number);
const queue = kue.createQueue({ redis: { port: redisPort, host: "127.0.0.1" } });

function save(job) {
  return new Promise((resolve, reject) => job.save((err) => (err ? reject(err) : resolve(job))));
}

async function main() {
  await save(queue.create("email", { title: "critical mail", to: "x@example.com" }).priority("critical"));
  await save(queue.create("email", { title: "low mail" }).priority("low").attempts(3));
  await save(queue.create("email", { title: "delayed" }).delay(600000));
  await save(queue.create("report", { title: "nobody works me", user: { name: "tobi" } }).ttl(5000));
  await save(queue.create("flaky", { title: "fails twice" }).attempts(2));
  let completed = 0;
  let failed = 0;
  const finished = new Promise((resolve) => {
    const check = () => completed === 2 && failed === 1 && resolve();
    queue.on("job complete", () => { completed += 1; check(); });
    queue.on("job failed", () => { failed += 1; check(); });
  });
  queue.process("email", (job, ctx, done) => {
    job.log("processing %s with %d things", job.data.title, 3);
    job.progress(1, 2, { step: "a" });
    setTimeout(() => done(null, { sent: job.data.title }), 20);
  });
  queue.process("flaky", (job, done) => done(new Error("boom")));
  await finished;
  await new Promise((resolve) => setTimeout(resolve, 200));
  kue.app.listen(httpPort, "127.0.0.1", () => console.log("ready"));
}

main().catch((err) => { console.error(err); process.exit(1); });
