// The demo page: echo, and a created job's progress shown live through watch().
// ?transport=xhr-polling picks the fallback transport instead of the websocket.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var transport = new URLSearchParams(window.location.search).get('transport') || 'websocket';

  function showEvent(event) {
    $('events').textContent += event.event + ' ' + JSON.stringify(event.args) + '\n';
    if (event.event === 'progress') {
      $('job-progress').textContent = event.args[0];
      $('progress-bar').style.width = event.args[0] + '%';
    } else {
      $('job-state').textContent = event.event;
      if (event.event === 'complete') {
        $('job-progress').textContent = '100';
        $('progress-bar').style.width = '100%';
      }
    }
  }

  function ready(remote) {
    $('echo-button').disabled = false;
    $('create-button').disabled = false;
    $('echo-button').onclick = function () {
      remote.echo($('echo-input').value, function (s) { $('echo-result').textContent = s; });
    };
    $('create-button').onclick = function () {
      var data;
      try { data = JSON.parse($('job-data').value); } catch (e) { data = $('job-data').value; }
      $('events').textContent = '';
      remote.create($('job-type').value, data, {}, function (err, id) {
        if (err) { $('job-id').textContent = 'error: ' + err.message; return; }
        $('job-id').textContent = id;
        remote.watch(id, showEvent, function (err2, job) {
          if (err2) { $('job-state').textContent = 'error: ' + err2.message; return; }
          $('job-state').textContent = job.state;
          $('job-progress').textContent = job.progress;
          $('progress-bar').style.width = job.progress + '%';
          document.body.dataset.watching = String(id);
        });
      });
    };
  }

  PykueRPC.connect('/dnode', { transport: transport }, function (remote) {
    $('status').textContent = 'connected (' + transport + ')';
    if (remote.echo) { $('auth').hidden = true; ready(remote); return; }
    $('auth').hidden = false;
    $('auth-button').onclick = function () {
      remote.auth($('token').value, function (err) {
        $('auth-result').textContent = err ? 'refused: ' + err.message : 'ok';
      });
    };
  }, function (code, reason) {
    $('status').textContent = 'closed (' + code + ' ' + reason + ')';
  });
})();
