// compose.js: the composer's live per-platform counters and previews. The
// text each platform gets follows tools/publish (sentTexts): a variant
// replaces the text; X gets the link appended when the text lacks it, other
// platforms only when the post has media (Instagram always). X is counted
// with MMCount.xWeighted (xcount.js, the server's weighted count); LinkedIn
// counts its reserved characters twice, as the server's escaping does.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form) return;
  var RESERVED = "\\|{}@[]()<>#*_~";

  function val(name) { var el = form.elements[name]; return el ? el.value : ""; }

  function sentText(p) {
    var text = val("variant_" + p).trim() !== "" ? val("variant_" + p) : val("text");
    var link = val("link").trim();
    var media = val("image_urls").trim() !== "" || val("video_url").trim() !== "";
    if (link !== "" && text.indexOf(link) < 0 && (p === "twitter" || p === "instagram" || media)) {
      text = (text + "\n\n" + link).trim();
    }
    return text;
  }

  function count(p, text) {
    if (p === "twitter") return window.MMCount.xWeighted(text);
    var n = Array.from(text.normalize("NFC")).length;
    if (p === "linkedin") {
      for (var i = 0; i < text.length; i++) { if (RESERVED.indexOf(text[i]) >= 0) n++; }
    }
    return n;
  }

  function selectedPlatforms() {
    var set = {};
    form.querySelectorAll("input[name=account_ids]:checked").forEach(function (el) { set[el.dataset.platform] = true; });
    return set;
  }

  function update() {
    var selected = selectedPlatforms();
    document.querySelectorAll("[data-counter]").forEach(function (el) {
      var p = el.dataset.counter, limit = parseInt(el.dataset.limit, 10), n = count(p, sentText(p));
      el.querySelector("b").textContent = String(n);
      el.classList.toggle("over", n > limit);
      el.hidden = !selected[p];
      el.setAttribute("aria-label", el.textContent.split(":")[0] + ": " + n + " of " + limit + " characters" + (n > limit ? ", too long" : ""));
    });
    document.querySelectorAll("[data-preview]").forEach(function (el) {
      var p = el.dataset.preview;
      el.hidden = !selected[p];
      el.querySelector(".ptext").textContent = sentText(p);
    });
    var at = document.getElementById("scheduled_time");
    var sched = document.getElementById("when-schedule");
    if (at && sched) at.required = sched.checked;
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
