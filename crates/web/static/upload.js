// zhifa: resumable upload of AV evidence (photos, audio, video) from /cases/{id}/evidence/new.
//
// 1. POST /api/v1/cases/{id}/uploads with the R-10 metadata: the server checks it (and the
//    file's declared type and size) before anything is stored; field errors come back in
//    Chinese and are shown next to their fields.
// 2. PATCH /api/v1/uploads/{upload} in chunks with Upload-Offset; a 409 carries the
//    server's offset, a network error is retried after asking the server for its offset
//    (GET). The upload id is kept in localStorage under the file's name, size and
//    modification time, so a reload (or a new attempt later) continues where it stopped.
// 3. The last chunk stores the file and attaches it to the case; the page then goes back
//    to the case.
(function () {
  'use strict';
  var form = document.getElementById('evidence-form');
  if (!form || !window.fetch || !window.XMLHttpRequest || !window.localStorage) {
    return;
  }
  var caseId = form.getAttribute('data-case');
  var csrf = form.getAttribute('data-csrf');
  var chunkSize = parseInt(form.getAttribute('data-chunk'), 10) || 8 * 1024 * 1024;
  var alertBox = document.getElementById('upload-alert');
  var box = document.getElementById('upload-progress-box');
  var bar = document.getElementById('upload-progress');
  var percent = document.getElementById('upload-percent');
  var statusText = document.getElementById('upload-status');
  var submit = document.getElementById('upload-submit');
  var cancel = document.getElementById('upload-cancel');
  var inputs = [document.getElementById('f-file'), document.getElementById('f-camera')];
  var formKey = 'zhifa-evidence-form:' + caseId;
  var chosen = null;
  var busy = false;
  var leaving = false;
  var current = null; // {id, key}

  var TYPES = {
    jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', heic: 'image/heic', heif: 'image/heif',
    webp: 'image/webp', mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm',
    '3gp': 'video/3gpp', mp3: 'audio/mpeg', m4a: 'audio/mp4', aac: 'audio/aac', wav: 'audio/wav',
    amr: 'audio/amr', ogg: 'audio/ogg', opus: 'audio/ogg', pdf: 'application/pdf'
  };
  var FILE_FIELDS = ['file', 'file_name', 'media_type', 'total_size', 'sha256'];

  function mediaType(file) {
    var ext = (file.name.split('.').pop() || '').toLowerCase();
    return file.type || TYPES[ext] || 'application/octet-stream';
  }

  function uploadKey(file) {
    return 'zhifa-upload:' + caseId + ':' + file.name + ':' + file.size + ':' + file.lastModified;
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // --- messages -------------------------------------------------------------------------

  function showAlert(text) {
    alertBox.textContent = text;
    alertBox.hidden = !text;
    if (text) { alertBox.scrollIntoView({ block: 'center' }); }
  }

  function clearErrors() {
    showAlert('');
    Array.prototype.forEach.call(form.querySelectorAll('.error'), function (p) {
      p.textContent = '';
      p.hidden = true;
    });
    Array.prototype.forEach.call(form.querySelectorAll('.has-error'), function (d) {
      d.classList.remove('has-error');
    });
  }

  function fieldError(el, message) {
    if (!el) { return false; }
    el.textContent = el.textContent ? el.textContent + '；' + message : message;
    el.hidden = false;
    var field = el.closest('.field, .interruption');
    if (field) { field.classList.add('has-error'); }
    return true;
  }

  // Shows a JSON error {message, errors: [{field, message}]} next to the fields.
  function showErrors(body, rows) {
    var general = [];
    (body.errors || []).forEach(function (e) {
      var m = /^interruptions\.(\d+)\./.exec(e.field);
      var target;
      if (m) {
        target = rows[+m[1]] && rows[+m[1]].querySelector('.error');
      } else if (FILE_FIELDS.indexOf(e.field) >= 0) {
        target = document.getElementById('err-file');
      } else {
        target = document.getElementById('err-' + e.field);
      }
      if (!fieldError(target, e.message)) { general.push(e.message); }
    });
    var text = general.length ? general.join('；') : (body.errors && body.errors.length ? '提交的内容有误，请按提示修改后重新上传。' : body.message);
    showAlert(text || '上传未完成，请稍后重试。');
  }

  // --- the form -------------------------------------------------------------------------

  function value(name) {
    var el = form.elements[name];
    return el ? el.value.trim() : '';
  }

  function interruptionRows() {
    return Array.prototype.slice.call(form.querySelectorAll('.interruption'));
  }

  // The metadata, and the interruption rows sent (for placing their errors).
  function metadata(file) {
    var rows = [];
    var interruptions = [];
    interruptionRows().forEach(function (row) {
      var from = row.querySelector('[name=interruption_from]').value;
      var resumed = row.querySelector('[name=interruption_resumed_at]').value;
      var reason = row.querySelector('[name=interruption_reason]').value.trim();
      if (from || resumed || reason) {
        rows.push(row);
        interruptions.push({ from: from, resumed_at: resumed || null, reason: reason });
      }
    });
    return {
      rows: rows,
      body: {
        file_name: file.name,
        media_type: mediaType(file),
        total_size: file.size,
        record_id: value('record_id') || null,
        captured_at: value('captured_at'),
        place: value('place'),
        captured_by: value('captured_by'),
        production_method: value('production_method'),
        maker: value('maker'),
        proves: value('proves'),
        transcript: value('transcript'),
        interruptions: interruptions,
        interruption_explanation: value('interruption_explanation'),
        remote_return_at: value('remote_return_at') || null,
        sensitivity: value('sensitivity')
      }
    };
  }

  var SAVED = ['record_id', 'captured_at', 'place', 'captured_by', 'production_method', 'maker', 'proves',
    'transcript', 'interruption_explanation', 'remote_return_at', 'sensitivity'];

  function saveForm() {
    var v = {};
    SAVED.forEach(function (n) { v[n] = value(n); });
    try { localStorage.setItem(formKey, JSON.stringify(v)); } catch (e) { /* storage full: not needed */ }
  }

  function restoreForm() {
    var v;
    try { v = JSON.parse(localStorage.getItem(formKey) || 'null'); } catch (e) { v = null; }
    if (!v) { return; }
    var preselected = value('record_id');
    SAVED.forEach(function (n) {
      var el = form.elements[n];
      if (el && v[n] && !(n === 'record_id' && preselected)) { el.value = v[n]; }
    });
  }

  // --- the protocol ---------------------------------------------------------------------

  function api(method, url, body) {
    var headers = { 'X-CSRF-Token': csrf, 'Accept': 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch(url, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  function json(resp) {
    return resp.json().catch(function () { return { message: '服务器返回了无法识别的内容（HTTP ' + resp.status + '）' }; });
  }

  // One chunk with XMLHttpRequest, for progress within the chunk.
  function patch(id, offset, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('PATCH', '/api/v1/uploads/' + id);
      xhr.setRequestHeader('Upload-Offset', String(offset));
      xhr.setRequestHeader('Content-Type', 'application/offset+octet-stream');
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
      xhr.onload = function () {
        var body;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = { message: '服务器返回了无法识别的内容（HTTP ' + xhr.status + '）' }; }
        resolve({ status: xhr.status, body: body });
      };
      // A chunk that makes no headway for ten minutes counts as a network error.
      xhr.timeout = 10 * 60 * 1000;
      xhr.onerror = function () { reject(new Error('network')); };
      xhr.ontimeout = function () { reject(new Error('timeout')); };
      xhr.send(blob);
    });
  }

  function progress(done, total, note) {
    var p = total ? Math.floor(done * 1000 / total) / 10 : 100;
    box.hidden = false;
    bar.value = p;
    percent.textContent = p.toFixed(1) + '%';
    statusText.textContent = note || ('已上传 ' + mib(done) + ' / ' + mib(total) + ' MiB');
  }

  function mib(n) {
    return (n / 1048576).toFixed(1);
  }

  // The server's offset for an upload, or null if it is gone.
  async function serverOffset(id) {
    var r = await api('GET', '/api/v1/uploads/' + id);
    if (r.status === 404) { return null; }
    var b = await json(r);
    if (!r.ok) { throw new Error(b.message || 'status'); }
    return b.offset;
  }

  async function send(file, id, offset) {
    var failures = 0;
    var waits = 0;
    for (;;) {
      var end = Math.min(offset + chunkSize, file.size);
      var res;
      try {
        res = await patch(id, offset, file.slice(offset, end), function (loaded) {
          progress(offset + loaded, file.size);
        });
        failures = 0;
      } catch (e) {
        failures += 1;
        if (failures > 30) {
          return { error: { message: '网络持续中断，上传已暂停。网络恢复后重新选择同一文件并点击“上传”，将从中断处继续。' } };
        }
        var wait = Math.min(30, Math.pow(2, Math.min(failures, 5)));
        progress(offset, file.size, '网络中断，' + wait + ' 秒后从中断处继续（第 ' + failures + ' 次重试）…');
        await sleep(wait * 1000);
        try {
          var at = await serverOffset(id);
          if (at === null) { return { gone: true }; }
          offset = at;
        } catch (e2) { /* still offline: try again */ }
        continue;
      }
      if (res.status === 409 && typeof res.body.offset === 'number') {
        offset = res.body.offset;
        continue;
      }
      if (res.status === 409 && waits < 30) {
        // The server is still finishing an earlier request of this upload: wait a moment.
        waits += 1;
        progress(offset, file.size, '服务器仍在处理上一段数据，稍后继续…');
        await sleep(2000);
        continue;
      }
      if (res.status === 404) { return { gone: true }; }
      if (res.status < 200 || res.status >= 300) { return { error: res.body }; }
      waits = 0;
      offset = res.body.offset;
      progress(offset, file.size);
      if (res.body.complete) { return { done: res.body }; }
    }
  }

  async function upload() {
    clearErrors();
    var file = chosen;
    if (!file) {
      fieldError(document.getElementById('err-file'), '请选择要上传的文件，或现场拍摄');
      showAlert('请选择要上传的文件。');
      return;
    }
    var key = uploadKey(file);
    var meta = metadata(file);
    var id = localStorage.getItem(key);
    var offset = 0;
    if (id) {
      // Offline now: the error is shown and the upload id kept for the next attempt.
      offset = await serverOffset(id);
      if (offset === null) { localStorage.removeItem(key); id = null; offset = 0; }
    }
    if (!id) {
      var r = await api('POST', '/api/v1/cases/' + caseId + '/uploads', meta.body);
      var b = await json(r);
      if (!r.ok) { showErrors(b, meta.rows); return; }
      id = b.id;
      localStorage.setItem(key, id);
    } else {
      statusText.textContent = '继续上次中断的上传（元数据以开始上传时填写的为准）';
    }
    current = { id: id, key: key };
    cancel.hidden = false;
    progress(offset, file.size);
    var out = await send(file, id, offset);
    if (out.done) {
      localStorage.removeItem(key);
      localStorage.removeItem(formKey);
      current = null;
      progress(file.size, file.size, '上传完成，SHA-256 已记录，正在返回案件页面…');
      leaving = true;
      var notice = '音像记录“' + file.name + '”已上传';
      location.href = (out.done.case_url || '/cases/' + caseId) + '?notice=' + encodeURIComponent(notice);
      return;
    }
    if (out.gone) {
      localStorage.removeItem(key);
      showAlert('该上传已过期或已被放弃，请点击“上传”重新开始。');
      return;
    }
    if (out.error && out.error.code === 'invalid') {
      // The content was refused (e.g. its real type is not the declared one): start over.
      localStorage.removeItem(key);
    }
    showErrors(out.error || {}, meta.rows);
  }

  // --- wiring ---------------------------------------------------------------------------

  inputs.forEach(function (input) {
    if (!input) { return; }
    input.addEventListener('change', async function () {
      chosen = input.files && input.files[0] ? input.files[0] : null;
      inputs.forEach(function (other) { if (other && other !== input) { other.value = ''; } });
      clearErrors();
      box.hidden = true;
      if (!chosen) { return; }
      var id = localStorage.getItem(uploadKey(chosen));
      if (!id) { return; }
      try {
        var at = await serverOffset(id);
        if (at === null) { localStorage.removeItem(uploadKey(chosen)); return; }
        progress(at, chosen.size, '该文件上次已上传一部分，点击“上传”将从中断处继续');
      } catch (e) { /* offline: the upload will tell */ }
    });
  });

  document.getElementById('add-interruption').addEventListener('click', function () {
    var rows = interruptionRows();
    var copy = rows[rows.length - 1].cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll('input'), function (i) { i.value = ''; });
    var err = copy.querySelector('.error');
    err.textContent = '';
    err.hidden = true;
    document.getElementById('interruptions').appendChild(copy);
  });

  form.addEventListener('input', saveForm);
  form.addEventListener('change', saveForm);

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    if (busy) { return; }
    busy = true;
    submit.disabled = true;
    try {
      await upload();
    } catch (err) {
      showAlert('上传未完成：' + (err && err.message ? err.message : err) + '。可重新点击“上传”从中断处继续。');
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });

  cancel.addEventListener('click', async function () {
    if (!current || !window.confirm('放弃本次上传？已传输的内容将被删除。')) { return; }
    var c = current;
    current = null;
    try { await api('DELETE', '/api/v1/uploads/' + c.id); } catch (e) { /* swept later */ }
    localStorage.removeItem(c.key);
    location.reload();
  });

  window.addEventListener('beforeunload', function (e) {
    if (busy && !leaving) { e.preventDefault(); e.returnValue = ''; }
  });

  restoreForm();
  // A file the browser kept in its input across a reload.
  inputs.forEach(function (input) {
    if (input && input.files && input.files[0] && !chosen) { chosen = input.files[0]; }
  });
  submit.disabled = false;
})();
