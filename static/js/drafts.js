// Server-side drafts: forms with data-draft-url keep what is typed on the server, so a lost
// connection or a closed laptop does not lose it. Saved a moment after typing stops; offered
// back when the form is opened again; dropped by the server when the form is saved.
(function () {
  "use strict";
  var meta = document.querySelector("meta[name=csrf-token]");
  var csrf = meta ? meta.getAttribute("content") : "";

  function fields(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || name === "csrf_token") { return; }
      if (name in data) {
        data[name] = [].concat(data[name], value);
      } else {
        data[name] = value;
      }
    });
    return data;
  }

  function fill(form, data) {
    Object.keys(data).forEach(function (name) {
      var values = [].concat(data[name]);
      form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (el, i) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.indexOf(el.value) !== -1;
        } else if (el.type !== "file" && el.type !== "hidden") {
          el.value = values[Math.min(i, values.length - 1)];
        }
      });
    });
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function status(form, text, css) {
    var note = form.querySelector(".draft-status");
    if (!note) {
      note = document.createElement("div");
      note.className = "draft-status small text-muted mt-2";
      note.setAttribute("role", "status");
      form.appendChild(note);
    }
    note.className = "draft-status small mt-2 " + (css || "text-muted");
    note.textContent = text;
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); });
  }

  document.querySelectorAll("form[data-draft-url]").forEach(function (form) {
    var url = form.getAttribute("data-draft-url");
    var texts = {
      saved: form.getAttribute("data-draft-saved") || document.body.getAttribute("data-draft-saved") || "草稿已保存到服务器",
      failed: form.getAttribute("data-draft-failed") || document.body.getAttribute("data-draft-failed") || "草稿未能保存（网络中断？），请勿关闭页面",
      found: form.getAttribute("data-draft-found") || document.body.getAttribute("data-draft-found") || "有上次未提交的草稿：",
      restore: form.getAttribute("data-draft-restore") || document.body.getAttribute("data-draft-restore") || "恢复草稿",
      discard: form.getAttribute("data-draft-discard") || document.body.getAttribute("data-draft-discard") || "丢弃"
    };
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        request("PUT", url, fields(form)).then(function (r) {
          status(form, r.ok ? texts.saved : (r.body.error || texts.failed), r.ok ? "text-muted" : "text-danger");
        }).catch(function () { status(form, texts.failed, "text-danger"); });
      }, 1500);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); });
    request("GET", url).then(function (r) {
      if (!r.ok || !r.body.draft) { return; }
      var banner = document.createElement("div");
      banner.className = "alert alert-warning draft-banner small";
      banner.setAttribute("role", "alert");
      banner.appendChild(document.createTextNode(texts.found + " " + new Date(r.body.saved_at).toLocaleString() + " "));
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "btn btn-sm btn-warning ms-2";
      restore.textContent = texts.restore;
      restore.addEventListener("click", function () { fill(form, r.body.draft); banner.remove(); });
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-secondary ms-2";
      discard.textContent = texts.discard;
      discard.addEventListener("click", function () { request("DELETE", url); banner.remove(); });
      banner.appendChild(restore);
      banner.appendChild(discard);
      form.parentNode.insertBefore(banner, form);
    }).catch(function () {});
  });
})();
