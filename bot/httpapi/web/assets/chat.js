// The web chat: after htmx added a turn, empty the message box; keep the
// newest turn in view as it streams. Without JavaScript the form posts and
// the page shows the conversation.
document.body.addEventListener("htmx:afterRequest", function (e) {
  var form = document.getElementById("chat-form");
  if (e.detail.elt === form && e.detail.successful) {
    document.getElementById("chat-text").value = "";
  }
});
document.body.addEventListener("htmx:afterSwap", function (e) {
  var log = document.getElementById("chat-log");
  var t = e.detail.target;
  if (log && t && (t === log || /^turn-/.test(t.id)) && log.lastElementChild) {
    log.lastElementChild.scrollIntoView({block: "nearest"});
  }
});
