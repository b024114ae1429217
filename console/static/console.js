// 救助小助手 工作台: refresh the list of new requests every few seconds without reloading.
// Plain JavaScript, no dependencies; the server renders the rows (escaped) as HTML.
(function () {
  "use strict";
  var POLL_MS = 2000;
  var HIGHLIGHT_MS = 60000; // a new request stays highlighted for a minute
  var list = document.querySelector("[data-poll]");
  if (!list) return;
  var status = document.querySelector("[data-live-status]");
  var count = document.querySelector("[data-count]");
  var known = {};
  var arrived = {};
  list.querySelectorAll("[data-case]").forEach(function (row) { known[row.dataset.case] = true; });

  function refresh() {
    if (document.hidden) { window.setTimeout(refresh, POLL_MS); return; } // tab in background
    fetch(list.dataset.poll, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 401) { window.location.assign("/console/login"); return null; }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null) return;
      var fresh = 0;
      list.innerHTML = html;
      list.querySelectorAll("[data-case]").forEach(function (row) {
        var id = row.dataset.case;
        if (!known[id]) { known[id] = true; arrived[id] = Date.now(); fresh += 1; }
        if (arrived[id] && Date.now() - arrived[id] < HIGHLIGHT_MS) row.classList.add("is-new");
      });
      if (count) count.textContent = String(list.querySelectorAll("[data-case]").length);
      if (status) {
        var now = new Date();
        status.textContent = (fresh ? "收到 " + fresh + " 条新请求 · " : "") +
          "已更新 " + now.toLocaleTimeString("zh-CN", { hour12: false });
      }
    }).catch(function () {
      if (status) status.textContent = "暂时连不上服务器，稍后自动重试…";
    }).finally(function () {
      window.setTimeout(refresh, POLL_MS);
    });
  }
  window.setTimeout(refresh, POLL_MS);
})();

// A hand-off case: the conversation refreshed while the page is open.
(function () {
  "use strict";
  var POLL_MS = 3000;
  var list = document.querySelector("[data-conversation]");
  if (!list) return;
  var status = document.querySelector("[data-conversation-status]");
  var seen = list.querySelectorAll("[data-line]").length;

  function refresh() {
    if (document.hidden) { window.setTimeout(refresh, POLL_MS); return; }
    fetch(list.dataset.conversation, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 401) { window.location.assign("/console/login"); return null; }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null) return;
      list.innerHTML = html;
      var now = list.querySelectorAll("[data-line]").length;
      if (status) {
        var time = new Date().toLocaleTimeString("zh-CN", { hour12: false });
        status.textContent = (now > seen ? "收到 " + (now - seen) + " 条新留言 · " : "") + "已更新 " + time;
      }
      if (now > seen) list.lastElementChild.scrollIntoView({ block: "nearest" });
      seen = now;
    }).catch(function () {
      if (status) status.textContent = "暂时连不上服务器，稍后自动重试…";
    }).finally(function () {
      window.setTimeout(refresh, POLL_MS);
    });
  }
  window.setTimeout(refresh, POLL_MS);
})();
