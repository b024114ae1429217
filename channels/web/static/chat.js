// The web chat page: a signed anonymous session kept on this phone, the REST reply list
// rendered as bubbles with numbered choices, waiting messages by server-sent events,
// 大字 and 朗读. No framework and nothing loaded from elsewhere.
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("chat-texts").textContent);
  var KEY_TOKEN = "jiuzhu.chat.token";
  var KEY_LOG = "jiuzhu.chat.log";
  var KEY_BIG = "jiuzhu.chat.big";
  var KEEP = 60; // bubbles kept on the phone
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var bigButton = document.getElementById("big-text");
  var state = { token: null, speech: false, events: null, busy: false, audio: null };

  function load(key, fallback) {
    try { var v = localStorage.getItem(key); return v === null ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  }
  function store(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  // What the resident typed is kept on the phone: 身份证号, phone numbers and binding
  // tokens are kept (and shown) masked, as the assistant's own replies show them.
  function mask(text) {
    return text
      .replace(/^(\s*(?:\/bind|绑定|\/link|关联)\s*)\S+/, "$1******")
      .replace(/(\d{4})\d{10}(\d{3}[\dXx])/g, "$1**********$2")
      .replace(/(1[3-9]\d)\d{4}(\d{4})/g, "$1****$2");
  }
  function say(text) { statusLine.textContent = text || ""; }

  function post(path, body, binary) {
    return fetch("/chat/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (r) {
      if (r.status === 401) { var e = new Error("token"); e.token = true; throw e; }
      if (r.status === 429) {
        // too many messages: the server's own words ("请等 N 秒再发")
        return r.json().then(function (d) { var e = new Error("busy"); e.detail = d.detail; throw e; });
      }
      if (!r.ok) { throw new Error("http " + r.status); }
      return binary ? r.blob() : r.json();
    });
  }

  function session(forget) {
    if (forget) { state.token = null; store(KEY_TOKEN, null); }
    return post("session", { token: state.token || load(KEY_TOKEN, null) }).then(function (d) {
      state.token = d.token;
      state.speech = !!d.speech;
      store(KEY_TOKEN, d.token);
      listen();
    });
  }

  // -- bubbles ---------------------------------------------------------------------------
  var history = load(KEY_LOG, []);

  function remember(entry) {
    history.push(entry);
    if (history.length > KEEP) { history = history.slice(-KEEP); }
    store(KEY_LOG, history);
  }

  function disableChoices() {
    var old = log.querySelectorAll(".choice:not([disabled])");
    for (var i = 0; i < old.length; i++) { old[i].disabled = true; }
  }

  function bubble(entry, live) {
    var item = document.createElement("li");
    item.className = "msg " + (entry.who === "user" ? "user" : "bot") + (entry.pushed ? " pushed" : "");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = (entry.who === "user" ? T.you : T.bot) + "：";
    item.appendChild(who);
    if (entry.pushed) {
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = T.pushed;
      item.appendChild(tag);
    }
    var text = document.createElement("p");
    text.className = "text";
    text.textContent = entry.text;
    item.appendChild(text);
    if (entry.buttons && entry.buttons.length) {
      var list = document.createElement("ol");
      list.className = "choices";
      entry.buttons.forEach(function (b, i) {
        var li = document.createElement("li");
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "choice";
        btn.disabled = !live;
        btn.setAttribute("data-payload", b.payload);
        var num = document.createElement("span");
        num.className = "num";
        num.textContent = (i + 1) + ".";
        btn.appendChild(num);
        btn.appendChild(document.createTextNode(" " + b.title));
        btn.addEventListener("click", function () {
          send(b.payload, b.title).then(function () {
            // The pressed choice is disabled now: move focus to the new reply (no
            // on-screen keyboard pops up; a screen reader reads on from there).
            var replies = log.querySelectorAll(".msg.bot");
            var newest = replies[replies.length - 1];
            if (newest && (document.activeElement === document.body || document.activeElement.disabled)) {
              newest.setAttribute("tabindex", "-1");
              newest.focus({ preventScroll: true });
            }
          });
        });
        li.appendChild(btn);
        list.appendChild(li);
      });
      item.appendChild(list);
      var hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = T.choices_hint;
      item.appendChild(hint);
    }
    if (entry.who !== "user" && state.speech) {
      var speak = document.createElement("button");
      speak.type = "button";
      speak.className = "speak";
      speak.setAttribute("aria-pressed", "false");
      speak.textContent = T.read_aloud;
      speak.setAttribute("aria-label", T.read_aloud + "：" + entry.text.slice(0, 30));
      speak.addEventListener("click", function () { readAloud(speak, entry.text); });
      item.appendChild(speak);
    }
    log.appendChild(item);
    var view = document.querySelector("main");
    item.scrollIntoView({ block: item.offsetHeight > view.clientHeight ? "start" : "end" });
    return item;
  }

  function show(entry, live) {
    if (live && entry.who !== "user") { disableChoices(); }
    remember(entry);
    return bubble(entry, live);
  }

  // -- talking ---------------------------------------------------------------------------
  function send(message, shown, quiet) {
    if (state.busy || !message) { return Promise.resolve(); }
    state.busy = true;
    sendButton.disabled = true;
    if (!quiet) { disableChoices(); show({ who: "user", text: mask(shown || message) }, true); }
    var attempt = function () { return post("messages", { token: state.token, message: message }); };
    return attempt()
      .catch(function (e) { if (e.token) { return session(true).then(attempt); } throw e; })
      .then(function (replies) {
        say("");
        replies.forEach(function (r) {
          show({ who: "bot", text: r.text, buttons: r.buttons || [] }, true);
        });
      })
      .catch(function (e) { say((e && e.detail) || T.send_failed); })
      .then(function () {
        state.busy = false;
        sendButton.disabled = false;
        document.documentElement.setAttribute("data-replied", String(Date.now()));
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    send(text).then(function () { input.focus(); });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  // -- waiting messages (server-sent events) ---------------------------------------------
  function listen() {
    if (state.events) { state.events.close(); }
    if (!window.EventSource) { return; }
    var events = new EventSource("/chat/events?token=" + encodeURIComponent(state.token));
    state.events = events;
    events.addEventListener("ready", function () { say(""); document.documentElement.setAttribute("data-listening", "1"); });
    events.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      show({ who: "bot", text: data.text, pushed: true }, false);
    });
    events.onerror = function () {
      document.documentElement.removeAttribute("data-listening");
      if (events.readyState === EventSource.CLOSED) {
        say(T.offline);
        setTimeout(function () { session(false).catch(function () { say(T.offline); }); }, 3000);
      }
    };
  }

  // -- 朗读 -------------------------------------------------------------------------------
  function stopReading() {
    if (state.audio) { state.audio.pause(); state.audio = null; }
    var on = log.querySelectorAll('.speak[aria-pressed="true"]');
    for (var i = 0; i < on.length; i++) {
      on[i].setAttribute("aria-pressed", "false");
      on[i].textContent = T.read_aloud;
    }
  }

  function readAloud(button, text) {
    var wasOn = button.getAttribute("aria-pressed") === "true";
    stopReading();
    if (wasOn) { return; }
    button.setAttribute("aria-pressed", "true");
    button.textContent = T.stop_reading;
    post("speech", { token: state.token, text: text }, true)
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var audio = new Audio(url);
        state.audio = audio;
        audio.onended = function () { URL.revokeObjectURL(url); stopReading(); };
        document.documentElement.setAttribute("data-spoken", String(blob.size));
        return audio.play();
      })
      .catch(function () { stopReading(); say(T.speech_failed); });
  }

  // -- 大字 and a new start ----------------------------------------------------------------
  function setBig(on) {
    document.documentElement.classList.toggle("big", on);
    bigButton.setAttribute("aria-pressed", on ? "true" : "false");
    store(KEY_BIG, on);
  }
  bigButton.addEventListener("click", function () {
    var on = bigButton.getAttribute("aria-pressed") !== "true";
    setBig(on);
    say(on ? T.big_text_on : T.big_text_off);
  });
  document.getElementById("new-chat").addEventListener("click", function () {
    if (!window.confirm(T.new_chat_confirm)) { return; }
    stopReading();
    history = [];
    store(KEY_LOG, []);
    log.textContent = "";
    session(true).then(function () { return send("/start", null, true); });
  });

  // -- start -----------------------------------------------------------------------------
  setBig(load(KEY_BIG, false) === true);
  say(T.connecting);
  session(false)
    .then(function () {
      history.forEach(function (entry) { bubble(entry, false); });
      var last = log.lastElementChild;
      if (last) {
        // The newest bot bubble's choices still answer the conversation's open question.
        var choices = last.querySelectorAll(".choice");
        for (var i = 0; i < choices.length; i++) { choices[i].disabled = false; }
      }
      say("");
      if (!history.length) { return send("/start", null, true); }
    })
    .catch(function () { say(T.offline); });
})();
