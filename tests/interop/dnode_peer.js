// A real npm dnode 1.2.2 client over a real sockjs-client 1.6.1 connection (or the raw
// websocket), standing in for shoe's browser client. Usage:
//   node dnode_peer.js <base http url of /dnode> <transport|raw> [token]
// Runs the scenarios below and prints one JSON object with what it saw, then exits.
'use strict';
const dnode = require('dnode');

const [base, transport, token] = process.argv.slice(2);

function openStream() {
  // A stand-in for shoe: SockJS messages in, dnode lines out; writes before open are queued.
  const d = dnode({}, { weak: false });
  const queued = [];
  let sock = null;
  let open = false;
  const flush = () => { open = true; queued.splice(0).forEach((line) => sock.send(line)); };
  d.on('data', (line) => (open ? sock.send(line) : queued.push(line)));
  if (transport === 'raw') {
    const WebSocket = require('faye-websocket').Client;
    sock = new WebSocket(base.replace(/^http/, 'ws') + '/websocket');
    sock.on('open', flush);
    sock.on('message', (e) => d.write(e.data));
    sock.on('close', () => d.end());
  } else {
    const SockJS = require('sockjs-client');
    sock = new SockJS(base, null, { transports: [transport] });
    sock.onopen = flush;
    sock.onmessage = (e) => d.write(e.data);
    sock.onclose = () => d.end();
  }
  return { d, close: () => sock.close() };
}

function withTimeout(ms) {
  return setTimeout(() => {
    console.log(JSON.stringify({ error: 'timeout' }));
    process.exit(2);
  }, ms);
}

function scenarios(remote, done) {
  const out = {};
  remote.echo('hello', (s) => {
    out.echo = s;
    remote.echo({ tag: 'T', nested: [1, (a, b) => {
      out.relayed = [a, b];
      concurrent();
    }] }, (v) => {
      out.echoedTag = v.tag;
      v.nested[1]('ping', 2);  // a server proxy of our own function: relayed back to us
    });
  });
  function concurrent() {
    const n = 25;
    const seen = [];
    for (let i = 0; i < n; i++) {
      remote.echo('c' + i, (s) => {
        seen.push(s);
        if (seen.length === n) {
          out.concurrent = seen.sort();
          creating();
        }
      });
    }
  }
  function creating() {
    remote.create('email', { to: 'a@b.c' }, { priority: 'high' }, (err, id) => {
      out.created = { err, id };
      remote.create('nope', {}, (err2) => {
        out.refused = err2;
        remote.stats((err3, stats) => {
          out.stats = stats;
          done(out);
        });
      });
    });
  }
}

const timer = withTimeout(20000);
const { d, close } = openStream();
d.on('remote', function onRemote(remote) {
  if (token && !remote.echo) {
    remote.auth(token, (err) => {
      if (err) { console.log(JSON.stringify({ authError: err })); process.exit(3); }
    });
    return;
  }
  d.removeListener('remote', onRemote);
  scenarios(remote, (out) => {
    clearTimeout(timer);
    out.transport = transport;
    console.log(JSON.stringify(out));
    close();
    setTimeout(() => process.exit(0), 50);
  });
});
