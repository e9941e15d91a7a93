// daicho's stocktake scanner. The camera reads QR codes — with the browser's
// BarcodeDetector where it has one, with jsQR (vendored, /static/jsqr.js) otherwise — and
// every reading, or a tag typed, goes into a queue kept on the device (localStorage). The
// queue is sent whenever the connection allows, oldest first; each scan carries an id
// made here, so one sent twice (the answer lost on the way) is recorded once.
(function () {
  'use strict';
  var root = document.getElementById('scanner');
  if (!root) { return; }
  var post = root.getAttribute('data-post');
  var csrf = root.getAttribute('data-csrf');
  var key = 'daicho-scan-queue:' + root.getAttribute('data-stocktake');
  var form = document.getElementById('manual');
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
    localStorage.setItem(key, JSON.stringify(queue));
    say('scan-queue', queue.length
      ? '未送信 ' + queue.length + ' 件（通信が戻ると送ります）'
      : '未送信はありません');
  }

  // The checks chosen on the form go with the next scan, then are cleared.
  function checks() {
    var out = {};
    ['tag_present', 'wire_lock', 'password_note'].forEach(function (name) {
      var chosen = form.querySelector('input[name="' + name + '"]:checked');
      if (chosen) { out[name] = chosen.value; chosen.checked = false; }
    });
    return out;
  }

  function add(tag) {
    var scan = checks();
    scan.scan_id = newId();
    scan.asset_tag = tag;
    queue.push(scan);
    seen[tag] = true;
    save();
    say('scan-last', '記録しました：' + tag);
    flush();
  }

  function flush() {
    if (sending || queue.length === 0) { return; }
    sending = true;
    var scan = queue[0];
    var body = new URLSearchParams();
    body.set('csrf_token', csrf);
    body.set('reply', 'json');
    Object.keys(scan).forEach(function (k) { body.set(k, scan[k]); });
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
        } else if (res.status === 422 || res.status === 404) {
          // Refused for what it says (the stocktake completed, nothing typed): kept
          // would block the rest.
          queue.shift();
          save();
          say('scan-status', '受け付けられなかった読み取りがあります：' + scan.asset_tag);
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

  document.getElementById('camera-start').addEventListener('click', startCamera);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var input = document.getElementById('m-tag');
    var tag = input.value.trim();
    if (!tag) { say('scan-status', '備品番号を入力してください'); return; }
    input.value = '';
    add(tag);
  });
  window.addEventListener('online', flush);
  setInterval(flush, 3000);
  save();
  flush();
}());
