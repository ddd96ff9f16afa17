// The web chat: after htmx added an exchange, empty the message box and
// keep the newest exchange in view. Without JavaScript the form posts.
document.body.addEventListener("htmx:afterRequest", function (e) {
  var form = document.getElementById("chat-form");
  if (e.detail.elt === form && e.detail.successful) {
    document.getElementById("chat-text").value = "";
    var log = document.getElementById("chat-log");
    if (log.lastElementChild) log.lastElementChild.scrollIntoView({block: "nearest"});
  }
});
