// The step page: copy buttons on code, the live panel of checks (server-sent events), hints, reset.
// Every text from a check or a learner's file is set with textContent: nothing is parsed as HTML.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("lesson-data").textContent);
  var W = data.words;
  var MARK = { pending: "·", running: "…", pass: "✓", fail: "✗", skip: "–" };

  function fill(text, values) {
    return text.replace(/\{(\w+)(?::[^}]*)?\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function post(path, body) {
    return fetch(path + "?lang=" + data.lang, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {})
    });
  }

  // copy buttons ------------------------------------------------------------------------------

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = el("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  document.querySelectorAll(".readme pre").forEach(function (pre) {
    var button = el("button", "copy", W.copy);
    button.type = "button";
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      copyText(code.textContent).then(function () {
        button.textContent = W.copied;
        setTimeout(function () { button.textContent = W.copy; }, 1500);
      }, function () { /* no clipboard here: the code stays selectable */ });
    });
    pre.appendChild(button);
  });

  // the live panel -----------------------------------------------------------------------------

  var rulesList = document.getElementById("rules");
  var summary = document.getElementById("summary");
  var done = document.getElementById("done");
  var starter = document.getElementById("starter");

  function detail(rule) {
    var box = el("div", "detail");
    box.appendChild(el("p", "where", W["label.where"] + ": " + (W["layer." + rule.layer] || rule.layer)));
    (rule.message || "").split("\n").forEach(function (line) { box.appendChild(el("p", "message", line)); });
    if (rule.log) {
      box.appendChild(el("p", "log-label", W["label.log"] + ":"));
      box.appendChild(el("pre", "log", rule.log));
    }
    if (rule.hint_key) {
      var hint = el("p", "fix");
      hint.appendChild(el("span", "fix-label", W["label.hint"] + " [" + rule.hint_key + "]: "));
      hint.appendChild(el("span", "fix-text", rule.hint || ""));
      box.appendChild(hint);
    }
    return box;
  }

  function render(state) {
    var firstFailure = true;
    rulesList.textContent = "";
    state.rules.forEach(function (rule) {
      var status = rule.status;
      var item = el("li", "rule");
      item.setAttribute("data-rule", rule.name);
      item.setAttribute("data-status", status);
      item.appendChild(el("span", "mark", MARK[status] || "·"));
      item.appendChild(el("span", "title", rule.title));
      var said = rule.outcome === "not_run" ? W["status.not_run"] : W["status." + status];
      item.appendChild(el("span", "status", said));
      if (status === "fail" && firstFailure) {
        firstFailure = false;
        item.appendChild(detail(rule));
      }
      rulesList.appendChild(item);
    });
    var result = state.result;
    done.hidden = !(result && result.status === "pass");
    starter.hidden = !(result && result.starter_untouched);
    if (state.running) {
      summary.textContent = W["panel.running"];
    } else if (!result) {
      summary.textContent = W["panel.waiting"];
    } else if (result.status === "error") {
      summary.textContent = W["panel.error"] + ": " + (result.message || "");
    } else {
      summary.textContent = fill(W["panel.passed"], { passed: result.passed, total: result.total });
    }
    summary.setAttribute("data-status", state.running ? "running" : (result ? result.status : "pending"));
  }

  var source = new EventSource("/step/" + data.step + "/events?lang=" + data.lang);
  source.onmessage = function (event) {
    summary.classList.remove("offline");
    render(JSON.parse(event.data));
  };
  source.onerror = function () {
    summary.classList.add("offline");
    summary.textContent = W["panel.offline"];
  };
  window.addEventListener("beforeunload", function () { source.close(); });

  document.getElementById("check-again").addEventListener("click", function () {
    post("/step/" + data.step + "/check").catch(function () { summary.textContent = W["panel.offline"]; });
  });

  // hints: one more on each click, as `make hint N`, starting from the ones it showed -------------

  var shown = data.hints_shown;
  var hintsList = document.getElementById("hints");
  var hintButton = document.getElementById("hint-more");

  function showHints() {
    hintButton.hidden = shown >= data.hints_total;
    hintButton.textContent = fill(W["hints.more"], { left: data.hints_total - shown });
    if (data.hints_total === 0) {
      hintsList.replaceWith(el("p", "no-hints", W["hints.none"]));
      return;
    }
    if (shown === 0) { return; }
    fetch("/step/" + data.step + "/hints?lang=" + data.lang + "&shown=" + shown)
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        hintsList.textContent = "";
        answer.hints.forEach(function (text) { hintsList.appendChild(el("li", "hint", text)); });
        if (shown >= data.hints_total) { hintButton.after(el("p", "all-hints", W["hints.all"])); }
      }, function () { summary.textContent = W["panel.offline"]; });
  }

  hintButton.addEventListener("click", function () {
    shown = Math.min(shown + 1, data.hints_total);
    showHints();
  });
  showHints();

  // reset, after a confirmation -------------------------------------------------------------------

  var resetButton = document.getElementById("reset");
  if (resetButton) {
    resetButton.addEventListener("click", function () {
      if (!window.confirm(fill(W["reset.question"], { folder: data.folder, backups: data.backups }))) { return; }
      var said = document.getElementById("reset-result");
      post("/step/" + data.step + "/reset", { confirmed: true })
        .then(function (response) { return response.json(); })
        .then(function (answer) { said.textContent = answer.message; },
              function () { said.textContent = W["panel.offline"]; });
    });
  }
}());
