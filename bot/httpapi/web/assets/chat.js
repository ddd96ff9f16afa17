// The web chat: after htmx added a turn, empty the message box; keep the
// newest turn in view as it streams. Without JavaScript the form posts and
// the page shows the conversation.
document.body.addEventListener("htmx:afterRequest", function (e) {
  var form = document.getElementById("chat-form");
  if (e.detail.elt === form && e.detail.successful) {
    document.getElementById("chat-text").value = "";
  }
});
// Enter sends the message (not while an input method composes a word);
// Shift+Enter starts a new line.
document.body.addEventListener("keydown", function (e) {
  if (e.target.id !== "chat-text" || e.key !== "Enter" || e.shiftKey || e.isComposing) return;
  e.preventDefault();
  document.getElementById("chat-form").requestSubmit();
});
document.body.addEventListener("htmx:afterSwap", function (e) {
  var log = document.getElementById("chat-log");
  var t = e.detail.target;
  if (log && t && (t === log || /^turn-/.test(t.id)) && log.lastElementChild) {
    log.lastElementChild.scrollIntoView({block: "nearest"});
  }
});

// A result card's buttons (bot/present) name an action and what it acts
// on; each posts to the dashboard route that does it, with the CSRF token.
var actionRoutes = {
  mm_approve: function (v) { return ["/dashboard/chat/approvals/" + v + "/approve", {}]; },
  mm_reject: function (v) { return ["/dashboard/chat/approvals/" + v + "/reject", {}]; },
  mm_retry: function (v) { return ["/dashboard/posts/" + v + "/retry", {}]; },
  mm_cancel: function (v) { return ["/dashboard/posts/" + v + "/cancel", {}]; },
  mm_reconnect: function (v) { return ["/dashboard/connect/" + v, {}]; },
  mm_convert: function (v) { return ["/dashboard/media/convert", {value: decodeURIComponent(v)}]; },
  mm_publish_anyway: function (v) {
    var p = v.split(" ");
    return ["/dashboard/posts/" + p[0] + "/publish-anyway", {account_id: p[1] || ""}];
  },
  mm_choose: function (v) {
    var p = v.split("%7C");
    return ["/dashboard/chat/approvals/" + p[0] + "/choose", {account_id: decodeURIComponent(p[1] || "")}];
  },
  mm_choose_remember: function (v) {
    var p = v.split("%7C");
    return ["/dashboard/chat/approvals/" + p[0] + "/remember", {account_id: decodeURIComponent(p[1] || "")}];
  }
};
document.body.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("#chat-log button.mm-action");
  var route = b && actionRoutes[b.dataset.action];
  if (!route) return;
  var r = route(encodeURIComponent(b.dataset.value || "").replace(/%20/g, " "));
  var form = document.createElement("form");
  form.method = "post";
  form.action = r[0];
  var fields = Object.assign({csrf: document.querySelector("#chat-form input[name=csrf]").value}, r[1]);
  Object.keys(fields).forEach(function (k) {
    var i = document.createElement("input");
    i.type = "hidden";
    i.name = k;
    i.value = fields[k];
    form.appendChild(i);
  });
  document.body.appendChild(form);
  form.submit();
});

// A card's relative times ("in 2 hours", bot/present's Relative) carry
// their instant: keep their words true while the page stays open.
function relativeWords(ms) {
  var d = Math.abs(ms), n, unit;
  if (d < 60000) return "now";
  if (d < 3600000) { n = Math.floor(d / 60000); unit = "minute"; }
  else if (d < 48 * 3600000) { n = Math.floor((d + 1800000) / 3600000); unit = "hour"; }
  else { n = Math.floor((d + 43200000) / 86400000); unit = "day"; }
  var s = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + " " + unit + (n === 1 ? "" : "s");
  return ms < 0 ? s + " ago" : "in " + s;
}
function refreshTimes() {
  var now = Date.now();
  document.querySelectorAll("time.mm-rel[datetime]").forEach(function (t) {
    var at = Date.parse(t.getAttribute("datetime"));
    if (!isNaN(at)) t.textContent = relativeWords(at - now);
  });
}
refreshTimes();
setInterval(refreshTimes, 60000);
