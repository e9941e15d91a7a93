// daicho's stocktake scanner. The camera reads QR codes — with the browser's
// BarcodeDetector where it has one, with jsQR (vendored, /static/jsqr.js) otherwise — and
// every reading, a tag typed, or a thing found without a tag (with a photo scaled down
// here) goes into a queue kept on the device (localStorage). The queue is sent whenever
// the connection allows, oldest first; each scan carries an id made here, so one sent
// twice (the answer lost on the way) is recorded once. A service worker keeps this page
// on the device so that it also opens with the network gone.
(function () {
  'use strict';
  var root = document.getElementById('scanner');
  if (!root) { return; }
  var post = root.getAttribute('data-post');
  var csrf = root.getAttribute('data-csrf');
  var key = 'daicho-scan-queue:' + root.getAttribute('data-stocktake');
  var form = document.getElementById('manual');
  var untagged = document.getElementById('untagged');
  var room = document.getElementById('m-room');
  var video = document.getElementById('camera');
  var say = function (id, text) { document.getElementById(id).textContent = text; };
  var queue = [];
  try { queue = JSON.parse(localStorage.getItem(key) || '[]'); } catch (e) { queue = []; }
  var seen = {};
  var sending = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }

  function save() {
    try {
      localStorage.setItem(key, JSON.stringify(queue));
    } catch (e) {
      // The device's storage is full (photos): the last photo goes, the scan stays.
      var last = queue[queue.length - 1];
      if (last && last.photo) {
        delete last.photo;
        say('scan-status', '端末の保存領域が足りないため、写真は保存できませんでした');
        save();
        return;
      }
    }
    say('scan-queue', queue.length
      ? '未送信 ' + queue.length + ' 件（通信が戻ると送ります）'
      : '未送信はありません');
  }

  // The checks chosen on the form go with the next scan, then are cleared; the room
  // stays chosen for the things that follow.
  function checks() {
    var out = {};
    ['tag_present', 'wire_lock', 'password_note', 'in_use'].forEach(function (name) {
      var chosen = form.querySelector('input[name="' + name + '"]:checked');
      if (chosen) { out[name] = chosen.value; chosen.checked = false; }
    });
    if (room.value) { out.found_at = room.value; }
    return out;
  }

  function enqueue(scan, said) {
    scan.scan_id = newId();
    queue.push(scan);
    save();
    say('scan-last', '記録しました：' + said);
    flush();
  }

  function add(tag) {
    var scan = checks();
    scan.asset_tag = tag;
    seen[tag] = true;
    enqueue(scan, tag);
  }

  function blobOf(dataUrl) {
    var bytes = atob(dataUrl.split(',')[1]);
    var out = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) { out[i] = bytes.charCodeAt(i); }
    return new Blob([out], { type: 'image/jpeg' });
  }

  // A photo as a JPEG of at most 1280 pixels a side: small enough to wait on the device.
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(image.naturalWidth, image.naturalHeight));
        var canvas = document.createElement('canvas');
        canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
        canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        resolve(canvas.toDataURL('image/jpeg', 0.8));
      };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error('image')); };
      image.src = url;
    });
  }

  function flush() {
    if (sending || queue.length === 0) { return; }
    sending = true;
    var scan = queue[0];
    // The token first: the server reads nothing before it.
    var body = new FormData();
    body.append('csrf_token', csrf);
    body.append('reply', 'json');
    Object.keys(scan).forEach(function (k) {
      if (k === 'photo') { body.append('photo', blobOf(scan.photo), 'photo.jpg'); } else { body.append(k, scan[k]); }
    });
    fetch(post, { method: 'POST', body: body, credentials: 'same-origin', redirect: 'manual' })
      .then(function (res) {
        if (res.ok) {
          queue.shift();
          save();
          say('scan-status', queue.length ? '' : 'すべて送りました');
          sending = false;
          flush();
          return;
        }
        sending = false;
        if (res.type === 'opaqueredirect' || res.status === 401) {
          say('scan-status', 'ログインし直してください。読み取った内容はこの端末に残っています');
        } else if (res.status === 403) {
          say('scan-status', 'このページを開き直してください。読み取った内容はこの端末に残っています');
        } else if (res.status === 422 || res.status === 404) {
          // Refused for what it says (the stocktake completed, nothing typed): kept
          // would block the rest.
          queue.shift();
          save();
          say('scan-status', '受け付けられなかった読み取りがあります：' + (scan.asset_tag || scan.description));
          flush();
        } else {
          say('scan-status', '送れませんでした（' + res.status + '）。あとで送り直します');
        }
      })
      .catch(function () {
        sending = false;
        say('scan-status', '通信できません。読み取った内容はこの端末に残し、通信が戻ると送ります');
      });
  }

  function read(detector, canvas, context) {
    if (video.readyState < 2) { return Promise.resolve(null); }
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      }, function () { return null; });
    }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
    return Promise.resolve(code ? code.data : null);
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say('camera-status', 'この端末ではカメラを使えません。備品番号を入力してください');
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play();
      })
      .then(function () {
        var detector = ('BarcodeDetector' in window) ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null;
        var canvas = document.createElement('canvas');
        var context = canvas.getContext('2d', { willReadFrequently: true });
        say('camera-status', 'QR コードを枠の中に入れてください');
        var tick = function () {
          read(detector, canvas, context).then(function (text) {
            var tag = text ? text.trim() : '';
            // One reading a tag while it stays in view; typed, it can be recorded again.
            if (tag && !seen[tag]) { add(tag); }
            setTimeout(tick, 200);
          });
        };
        tick();
      })
      .catch(function () {
        say('camera-status', 'カメラを使えませんでした。備品番号を入力してください');
      });
  }

  // Keeps this page on the device: the worker answers it when the network is gone.
  function keepOffline() {
    if (!('serviceWorker' in navigator) || !window.caches) { return; }
    navigator.serviceWorker.register('/static/scan-sw.js', { scope: '/stocktakes/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return caches.open('daicho-scan-v1'); })
      .then(function (cache) { return cache.add(location.pathname); })
      .then(function () {
        say('offline-status', 'このページは端末に保存されました。通信できない場所でも開けます');
      })
      .catch(function () { /* Online only, as without a worker. */ });
  }

  document.getElementById('camera-start').addEventListener('click', startCamera);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var input = document.getElementById('m-tag');
    var tag = input.value.trim();
    if (!tag) { say('scan-status', '備品番号を入力してください'); return; }
    input.value = '';
    add(tag);
  });
  untagged.addEventListener('submit', function (event) {
    event.preventDefault();
    var description = document.getElementById('u-description');
    var file = document.getElementById('u-photo');
    var scan = checks();
    scan.description = description.value.trim();
    if (!scan.description) { say('scan-status', '何かを入力してください'); return; }
    ['kind', 'ownership'].forEach(function (name) {
      var value = document.getElementById('u-' + name).value;
      if (value) { scan[name] = value; }
    });
    var done = function () { untagged.reset(); enqueue(scan, scan.description); };
    if (file.files && file.files[0]) {
      shrink(file.files[0]).then(function (photo) { scan.photo = photo; done(); }, function () {
        say('scan-status', '写真を読み取れませんでした。写真なしで記録します');
        done();
      });
    } else {
      done();
    }
  });
  window.addEventListener('online', flush);
  setInterval(flush, 3000);
  save();
  flush();
  keepOffline();
}());
