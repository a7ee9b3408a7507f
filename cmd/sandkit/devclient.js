// sandkit dev's browser script: reload when a new build goes live, show
// build, type and render errors over the page while they last.
(function () {
  var script = document.currentScript;
  var build = script && script.dataset.build;
  var overlay = null;
  function show(problems) {
    if (!problems.length) {
      if (overlay) overlay.remove();
      overlay = null;
      return;
    }
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'sandkit-dev-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.94);' +
        'color:#eee;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:24px';
    }
    overlay.textContent = '';
    var close = document.createElement('button');
    close.textContent = '×';
    close.title = 'Hide (the error stays until it is fixed)';
    close.style.cssText = 'float:right;font-size:20px;background:none;color:#eee;border:0;cursor:pointer';
    close.onclick = function () { overlay.style.display = 'none'; };
    overlay.appendChild(close);
    for (var i = 0; i < problems.length; i++) {
      var h = document.createElement('div');
      h.style.cssText = 'color:#ff6b6b;font-weight:bold;margin-top:12px';
      h.textContent = problems[i].kind + ' error';
      var pre = document.createElement('pre');
      pre.className = 'sandkit-dev-problem';
      pre.style.cssText = 'white-space:pre-wrap;margin:4px 0 0';
      pre.textContent = problems[i].message;
      overlay.appendChild(h);
      overlay.appendChild(pre);
    }
    var note = document.createElement('div');
    note.style.cssText = 'color:#aaa;margin-top:16px';
    var renderOnly = problems.every(function (p) { return p.kind === 'render' || p.kind === 'browser'; });
    note.textContent = renderOnly ? 'This page failed; it reloads with the next build.'
      : 'The last good version keeps serving; this page reloads when the error is fixed.';
    overlay.appendChild(note);
    overlay.style.display = '';
    (document.body || document.documentElement).appendChild(overlay);
  }
  // Errors of this document's own render (a page that threw), sent with it.
  function renderProblems() {
    var el = document.getElementById('sandkit-dev-render');
    return el ? JSON.parse(el.textContent) : [];
  }
  // Errors thrown in this page's scripts (hydration, event handlers); the
  // browser's console has them too, with source-mapped stacks.
  var clientProblems = [];
  var last = [];
  function clientError(message) {
    clientProblems.push({ kind: 'browser', message: message });
    show(last.concat(renderProblems(), clientProblems));
  }
  window.addEventListener('error', function (e) {
    clientError((e.error && e.error.stack) || (e.message + ' (' + e.filename + ':' + e.lineno + ':' + e.colno + ')'));
  });
  window.addEventListener('unhandledrejection', function (e) {
    clientError('Unhandled rejection: ' + ((e.reason && e.reason.stack) || e.reason));
  });
  var es = new EventSource('/_sandkit/dev/events');
  es.addEventListener('state', function (e) {
    var s = JSON.parse(e.data);
    if (build && s.build !== build) {
      es.close();
      location.reload();
      return;
    }
    window.__sandkitDev = { build: build, connected: true };
    last = s.problems;
    var apply = function () { show(s.problems.concat(renderProblems(), clientProblems)); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', apply);
    else apply();
  });
})();
