/* Check-in page: scan badge QR codes (camera or photo, jsQR), search by name, record attendance.
 *
 * A venue's network comes and goes, so every scan goes into a queue in localStorage first
 * and is sent from there; what fails to send stays and is retried (every few seconds, when
 * the browser is back online, or with "Jetzt senden"). The server records a person once
 * per day however often a scan arrives, so a retry after a lost answer is harmless.
 */
(function () {
  "use strict";

  var root = document.getElementById("checkin");
  if (!root) return;

  var PREFIX = "VSOP-CHECKIN:";
  var TOKEN = /^VSOP-CHECKIN:([A-Za-z0-9_-]{16,32})$/;
  var RETRY_MS = 4000;
  var SAME_CODE_PAUSE_MS = 4000;
  var storageKey = "vsop-checkin-queue-" + root.dataset.conference;
  var texts = document.getElementById("texts").dataset;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var daySelect = document.getElementById("checkin-day");
  var resultBox = document.getElementById("result");
  var queueBox = document.getElementById("queue");
  var queueText = document.getElementById("queue-text");
  var video = document.getElementById("scanner-video");
  var canvas = document.getElementById("scanner-canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var lastCode = "";
  var lastCodeAt = 0;
  var sending = false;

  // --- the queue -----------------------------------------------------------

  function loadQueue() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }

  function saveQueue(queue) {
    window.localStorage.setItem(storageKey, JSON.stringify(queue));
    showQueue(queue);
  }

  function showQueue(queue, note) {
    queueBox.hidden = queue.length === 0;
    queueText.textContent = note || texts.queued + " " + queue.length;
  }

  function enqueue(item) {
    var queue = loadQueue();
    item.client_id = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    item.day = daySelect.value;
    queue.push(item);
    saveQueue(queue);
    send();
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  function send() {
    if (sending) return;
    var queue = loadQueue();
    if (!queue.length) return;
    sending = true;
    var item = queue[0];
    fetch(root.dataset.scanUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(item),
    })
      .then(function (response) {
        if (!isJson(response)) {
          // A login page or a proxy's error page: keep the scan and tell the desk.
          throw { keep: true, note: response.status === 403 || response.redirected ? texts.login : null };
        }
        if (response.status >= 500) throw { keep: true };
        return response.json().then(function (data) {
          var rest = loadQueue().filter(function (queued) {
            return queued.client_id !== item.client_id;
          });
          saveQueue(rest);
          showPerson(data, response.ok);
          updateDay(data);
        });
      })
      .catch(function (error) {
        showQueue(loadQueue(), error && error.note);
        return "failed";
      })
      .then(function (outcome) {
        sending = false;
        if (outcome !== "failed" && loadQueue().length) send();
      });
  }

  window.setInterval(send, RETRY_MS);
  window.addEventListener("online", send);
  document.getElementById("queue-retry").addEventListener("click", send);

  // --- showing a person ----------------------------------------------------

  function fillPerson(target, person) {
    target.querySelector(".person-name").textContent = person.name;
    target.querySelector(".person-organisation").textContent = person.organisation || "";
    var open = target.querySelector(".person-open");
    open.textContent = person.open_amount ? texts.open + " " + person.open_amount : texts.paid;
    open.classList.toggle("has-open", Boolean(person.open_amount));
    target.querySelector(".person-days").textContent = person.day_labels.length
      ? texts.days + " " + person.day_labels.join(", ")
      : texts.noDays;
    target.querySelector(".person-desk").href = person.desk_url;
  }

  function showPerson(data, ok) {
    var card = document.getElementById("person-template").content.cloneNode(true);
    var message = card.querySelector(".person-message");
    message.textContent = data.message || data.error || "";
    resultBox.className = "result mb-3 " + (ok ? (data.created ? "is-new" : "is-known") : "is-error");
    if (data.person) {
      fillPerson(card, data.person);
    } else {
      ["person-name", "person-organisation", "person-open", "person-days"].forEach(function (name) {
        card.querySelector("." + name).remove();
      });
      card.querySelector(".person-desk").remove();
    }
    resultBox.replaceChildren(card);
    resultBox.hidden = false;
  }

  function updateDay(data) {
    if (!data.day_option) return;
    var option = daySelect.querySelector('option[value="' + data.day + '"]');
    if (option) option.textContent = data.day_option;
  }

  function showError(text) {
    showPerson({ error: text }, false);
  }

  // --- reading QR codes ----------------------------------------------------

  function handleCode(text) {
    var match = TOKEN.exec((text || "").trim());
    if (!match) {
      if (text && text.indexOf(PREFIX) !== 0) showError(texts.notOurs);
      return false;
    }
    var now = Date.now();
    if (match[1] === lastCode && now - lastCodeAt < SAME_CODE_PAUSE_MS) return true;
    lastCode = match[1];
    lastCodeAt = now;
    if (navigator.vibrate) navigator.vibrate(80);
    enqueue({ token: match[1] });
    return true;
  }

  function decode(source, width, height) {
    var scale = Math.min(1, 1000 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "dontInvert" });
    return code ? code.data : null;
  }

  function scanFrame() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      var text = decode(video, video.videoWidth, video.videoHeight);
      if (text) handleCode(text);
    }
    window.requestAnimationFrame(scanFrame);
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    document.getElementById("scanner").hidden = true;
    document.getElementById("camera-stop").hidden = true;
    document.getElementById("camera-start").hidden = false;
  }

  document.getElementById("camera-start").addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showError(texts.noCamera);
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        document.getElementById("scanner").hidden = false;
        document.getElementById("camera-stop").hidden = false;
        document.getElementById("camera-start").hidden = true;
        return video.play();
      })
      .then(function () {
        window.requestAnimationFrame(scanFrame);
      })
      .catch(function () {
        stopCamera();
        showError(texts.noCamera);
      });
  });
  document.getElementById("camera-stop").addEventListener("click", stopCamera);

  document.getElementById("photo-input").addEventListener("change", function (event) {
    var file = event.target.files && event.target.files[0];
    if (!file) return;
    var image = new Image();
    var url = URL.createObjectURL(file);
    image.onload = function () {
      var text = decode(image, image.naturalWidth, image.naturalHeight);
      URL.revokeObjectURL(url);
      event.target.value = "";
      lastCode = "";  // a photo is always meant, even of the same badge
      if (!text) showError(texts.noCode);
      else handleCode(text);
    };
    image.src = url;
  });

  // --- search by name ------------------------------------------------------

  var searchInput = document.getElementById("search-input");
  var searchResults = document.getElementById("search-results");
  var searchTimer = null;

  function showResults(results) {
    searchResults.replaceChildren();
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "text-body-secondary small";
      none.textContent = texts.none;
      searchResults.appendChild(none);
      return;
    }
    results.forEach(function (person) {
      var row = document.getElementById("search-template").content.cloneNode(true);
      row.querySelector(".search-name").textContent = person.name;
      var meta = [person.organisation, person.holds_place ? "" : person.status];
      if (person.open_amount) meta.push(texts.open + " " + person.open_amount);
      if (person.day_labels.length) meta.push(texts.days + " " + person.day_labels.join(", "));
      row.querySelector(".search-meta").textContent = meta.filter(Boolean).join(" · ");
      row.querySelector(".search-checkin").addEventListener("click", function () {
        enqueue({ registration: person.id });
      });
      searchResults.appendChild(row);
    });
  }

  searchInput.addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    var query = searchInput.value.trim();
    if (query.length < 2) {
      searchResults.replaceChildren();
      return;
    }
    searchTimer = window.setTimeout(function () {
      fetch(root.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return isJson(response) ? response.json() : { results: [] };
        })
        .then(function (data) {
          showResults(data.results || []);
        })
        .catch(function () {
          showError(texts.offline);
        });
    }, 250);
  });

  showQueue(loadQueue());
  send();
})();
