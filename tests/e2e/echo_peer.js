// The seed's browser side, played by the real npm dnode over a real sockjs-client connection:
//   node echo_peer.js <base url of /dnode> <text>
// Calls echo(text, cb) and prints {"echoed": <what cb got>} as one JSON line, then exits.
'use strict';
const dnode = require('dnode');
const SockJS = require('sockjs-client');

const [base, text] = process.argv.slice(2);
const timer = setTimeout(() => { console.log(JSON.stringify({ error: 'timeout' })); process.exit(2); }, 15000);

const d = dnode({}, { weak: false });
const sock = new SockJS(base, null, { transports: ['websocket'] });
const queued = [];
let open = false;
d.on('data', (line) => (open ? sock.send(line) : queued.push(line)));
sock.onopen = () => { open = true; queued.splice(0).forEach((line) => sock.send(line)); };
sock.onmessage = (e) => d.write(e.data);
sock.onclose = () => d.end();
d.on('remote', (remote) => {
  remote.echo(text, (echoed) => {
    console.log(JSON.stringify({ echoed }));
    clearTimeout(timer);
    sock.close();
    setTimeout(() => process.exit(0), 50);
  });
});
