// upload.js: the media drop zone of the composer and the media page. Each
// file dropped or picked is sent on its own (XMLHttpRequest, so each has a
// progress bar) to the zone's data-upload route with the page's CSRF token;
// the server answers the file's item (HTML), inserted into data-target.
(function () {
  "use strict";
  var zone = document.getElementById("dropzone");
  if (!zone) return;
  var input = document.getElementById("files");
  var list = document.getElementById("uploads");
  var target = document.getElementById(zone.dataset.target);

  function changed() { document.dispatchEvent(new CustomEvent("mm:media-changed")); }

  function upload(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.className = "uname";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = file.size || 1;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    var msg = document.createElement("span");
    msg.className = "umsg";
    li.append(name, " ", bar, " ", msg);
    list.appendChild(li);
    // A place kept in drop order: uploads finish in any order.
    var slot = document.createElement("figure");
    slot.className = "media-item pending";
    slot.setAttribute("aria-label", "Uploading " + file.name);
    if (zone.dataset.prepend) target.prepend(slot); else target.append(slot);
    var fd = new FormData();
    fd.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", zone.dataset.upload);
    xhr.setRequestHeader("X-CSRF-Token", zone.dataset.csrf);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status !== 201) {
        msg.textContent = xhr.responseText || "The upload failed.";
        li.classList.add("failed");
        slot.remove();
        return;
      }
      bar.value = bar.max;
      msg.textContent = "uploaded";
      li.classList.add("done");
      var tpl = document.createElement("template");
      tpl.innerHTML = xhr.responseText.trim();
      slot.replaceWith(tpl.content.firstElementChild);
      var none = document.getElementById("no-media");
      if (none) none.remove();
      changed();
    });
    xhr.addEventListener("error", function () {
      msg.textContent = "The upload failed: check the connection and try again.";
      li.classList.add("failed");
      slot.remove();
    });
    xhr.send(fd);
  }

  function take(files) { Array.prototype.forEach.call(files, upload); }

  input.addEventListener("change", function () { take(input.files); input.value = ""; });
  zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("over");
    take(e.dataTransfer.files);
  });
  target.addEventListener("click", function (e) {
    if (e.target.matches("[data-remove]")) {
      e.target.closest(".media-item").remove();
      changed();
    }
  });
})();
