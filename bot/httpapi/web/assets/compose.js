// compose.js: the composer's live per-platform counters and previews, with
// the uploaded media attached. The
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

  // attachedItems are the uploaded files attached to the post (upload.js).
  function attachedItems() {
    var box = document.getElementById("attached");
    return box ? box.querySelectorAll(".media-item:not(.pending)") : [];
  }

  // mediaLimit is how many media each platform shows in one post.
  var MEDIA_LIMIT = { twitter: 4, instagram: 10, facebook: 10, linkedin: 20 };

  function previewMedia(el, p) {
    var box = el.querySelector(".pmedia");
    if (!box) return;
    box.replaceChildren();
    var items = attachedItems();
    for (var i = 0; i < items.length && i < (MEDIA_LIMIT[p] || 4); i++) {
      // The item's thumbnail (a video's poster card).
      var src = items[i].querySelector("img");
      var alt = items[i].querySelector("textarea");
      var th = document.createElement("img");
      th.src = src.src;
      th.alt = alt && alt.value ? alt.value : src.alt;
      box.appendChild(th);
    }
    if (items.length > (MEDIA_LIMIT[p] || 4)) {
      var more = document.createElement("p");
      more.className = "pnote";
      more.textContent = "Only the first " + MEDIA_LIMIT[p] + " fit on this platform.";
      box.appendChild(more);
    }
  }

  function sentText(p) {
    var text = val("variant_" + p).trim() !== "" ? val("variant_" + p) : val("text");
    var link = val("link").trim();
    var media = val("image_urls").trim() !== "" || val("video_url").trim() !== "" || attachedItems().length > 0;
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
      previewMedia(el, p);
    });
    var at = document.getElementById("scheduled_time");
    var sched = document.getElementById("when-schedule");
    if (at && sched) at.required = sched.checked;
  }

  document.addEventListener("mm:media-changed", update);
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
