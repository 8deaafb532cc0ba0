// pykue RPC in the browser: a small SockJS 0.3 client (websocket, falling back to xhr-polling)
// and a small dnode client on top of it. Plain JavaScript, no dependencies.
//
//   PykueRPC.connect('/dnode', { transport: 'websocket' }, function (remote, conn) {
//     remote.echo('hi', function (s) { ... });
//   });
(function (global) {
  'use strict';

  function randomString(length) {
    var chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    var out = '';
    for (var i = 0; i < length; i++) out += chars[Math.floor(Math.random() * chars.length)];
    return out;
  }

  // ---- SockJS-ish ------------------------------------------------------------------------
  // handlers: onopen(), onmessage(text), onclose(code, reason)
  function SockJSish(base, transport, handlers) {
    this.base = new URL(base, global.location.href).href.replace(/\/$/, '');
    this.sessionUrl = this.base + '/' + Math.floor(Math.random() * 1000) + '/' + randomString(8);
    this.handlers = handlers;
    this.closed = false;
    this.outbox = [];
    this.sending = false;
    this.transport = transport === 'xhr-polling' ? 'xhr-polling' : 'websocket';
    if (this.transport === 'websocket' && global.WebSocket) this.openWebsocket();
    else this.poll();
  }

  SockJSish.prototype.frame = function (frame) {
    var type = frame.charAt(0);
    if (type === 'o') this.handlers.onopen();
    else if (type === 'a') {
      var messages = JSON.parse(frame.slice(1));
      for (var i = 0; i < messages.length; i++) this.handlers.onmessage(messages[i]);
    } else if (type === 'c') {
      var closing = JSON.parse(frame.slice(1));
      this.finish(closing[0], closing[1]);
    }
  };

  SockJSish.prototype.finish = function (code, reason) {
    if (this.closed) return;
    this.closed = true;
    if (this.ws) this.ws.close();
    this.handlers.onclose(code, reason);
  };

  SockJSish.prototype.openWebsocket = function () {
    var self = this;
    self.ws = new WebSocket(self.sessionUrl.replace(/^http/, 'ws') + '/websocket');
    self.ws.onmessage = function (e) { self.frame(e.data); };
    self.ws.onclose = function () { self.finish(1006, 'Connection closed'); };
  };

  SockJSish.prototype.poll = function () {
    var self = this;
    if (self.closed) return;
    fetch(self.sessionUrl + '/xhr', { method: 'POST' })
      .then(function (r) { return r.text(); })
      .then(function (body) { self.frame(body.replace(/\n$/, '')); self.poll(); })
      .catch(function () { self.finish(1006, 'Connection closed'); });
  };

  SockJSish.prototype.send = function (message) {
    if (this.closed) return;
    if (this.ws) { this.ws.send(JSON.stringify([message])); return; }
    this.outbox.push(message);
    this.flush();
  };

  SockJSish.prototype.flush = function () {
    var self = this;
    if (self.sending || !self.outbox.length) return;
    self.sending = true;
    var batch = self.outbox.splice(0);
    fetch(self.sessionUrl + '/xhr_send', { method: 'POST', body: JSON.stringify(batch) })
      .then(function () { self.sending = false; self.flush(); })
      .catch(function () { self.finish(1006, 'Connection closed'); });
  };

  SockJSish.prototype.close = function () { this.finish(1000, 'Normal closure'); };

  // ---- dnode -------------------------------------------------------------------------------
  function Dnode(exported, send) {
    this.exported = exported || {};
    this.send = send;
    this.local = [];
    this.proxies = {};
    this.remote = {};
    this.onremote = function () {};
    this.buffer = '';
  }

  Dnode.prototype.scrub = function (args) {
    var self = this;
    var callbacks = {};
    var links = [];
    var seen = {};
    function walk(value, path, parents) {
      if (typeof value === 'function') {
        var id = self.local.indexOf(value);
        if (id < 0 || seen[id]) { id = self.local.length; self.local.push(value); }
        seen[id] = true;
        callbacks[id] = path;
        return '[Function]';
      }
      if (value === null || typeof value !== 'object') return value;
      for (var p = 0; p < parents.length; p++) {
        if (parents[p].value === value) {
          links.push({ from: parents[p].path, to: path });
          return '[Circular]';
        }
      }
      var inner = parents.concat([{ value: value, path: path }]);
      var copy = Array.isArray(value) ? [] : {};
      Object.keys(value).forEach(function (key) {
        copy[key] = walk(value[key], path.concat([String(key)]), inner);
      });
      return copy;
    }
    return { arguments: walk(args, [], []), callbacks: callbacks, links: links };
  };

  Dnode.prototype.request = function (method, args) {
    var s = this.scrub(args);
    this.send(JSON.stringify({ method: method, arguments: s.arguments, callbacks: s.callbacks,
      links: s.links }) + '\n');
  };

  Dnode.prototype.start = function () { this.request('methods', [this.exported]); };

  Dnode.prototype.proxy = function (id) {
    var self = this;
    if (!self.proxies[id]) {
      self.proxies[id] = function () { self.request(id, [].slice.call(arguments)); };
    }
    return self.proxies[id];
  };

  function setPath(root, path, value) {
    var node = root;
    for (var i = 0; i < path.length - 1; i++) {
      if (node[path[i]] === null || typeof node[path[i]] !== 'object') node[path[i]] = {};
      node = node[path[i]];
    }
    node[path[path.length - 1]] = value;
  }

  function getPath(root, path) {
    var node = root;
    for (var i = 0; i < path.length; i++) {
      if (node === null || typeof node !== 'object') return undefined;
      node = node[path[i]];
    }
    return node;
  }

  // returns false if the line is not valid JSON (the connection should end)
  Dnode.prototype.handle = function (line) {
    var self = this;
    var req;
    try { req = JSON.parse(line); } catch (e) { return false; }
    if (!req || typeof req !== 'object') return true;
    var args = req.arguments || [];
    Object.keys(req.callbacks || {}).forEach(function (id) {
      setPath(args, req.callbacks[id], self.proxy(Number(id)));
    });
    (req.links || []).forEach(function (link) { setPath(args, link.to, getPath(args, link.from)); });
    if (req.method === 'methods') {
      Object.keys(self.remote).forEach(function (k) { delete self.remote[k]; });
      var methods = args[0] || {};
      Object.keys(methods).forEach(function (k) { self.remote[k] = methods[k]; });
      self.onremote(self.remote);
    } else if (req.method === 'cull') {
      args.forEach(function (id) { delete self.local[id]; });
    } else if (typeof req.method === 'string') {
      if (Object.prototype.hasOwnProperty.call(self.exported, req.method)) {
        self.exported[req.method].apply(null, args);
      }
    } else if (typeof self.local[req.method] === 'function') {
      self.local[req.method].apply(null, args);
    }
    return true;
  };

  Dnode.prototype.write = function (chunk) {
    this.buffer += chunk;
    var index;
    while ((index = this.buffer.indexOf('\n')) >= 0) {
      var line = this.buffer.slice(0, index);
      this.buffer = this.buffer.slice(index + 1);
      if (!this.handle(line)) return false;
    }
    return true;
  };

  // ---- together --------------------------------------------------------------------------
  function connect(base, options, onRemote, onClose) {
    options = options || {};
    var queued = [];
    var open = false;
    var sock = null;
    var d = new Dnode(options.exported, function (line) {
      if (open) sock.send(line); else queued.push(line);
    });
    d.onremote = function (remote) { onRemote(remote, conn); };
    sock = new SockJSish(base, options.transport, {
      onopen: function () {
        open = true;
        queued.splice(0).forEach(function (line) { sock.send(line); });
      },
      onmessage: function (text) { if (!d.write(text)) sock.close(); },
      onclose: function (code, reason) { if (onClose) onClose(code, reason); }
    });
    d.start();
    var conn = { dnode: d, socket: sock, close: function () { sock.close(); } };
    return conn;
  }

  global.PykueRPC = { connect: connect, Dnode: Dnode, SockJSish: SockJSish };
})(window);
