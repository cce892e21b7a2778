// The import progress page: poll the job's status and reload when its state changes.
// Without JavaScript the page has a refresh link instead.
(function () {
  "use strict";

  var box = document.querySelector("[data-import-status]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-import-status");
  var state = box.getAttribute("data-import-state");
  var bar = box.querySelector("progress");
  var count = box.querySelector("[data-import-count]");
  var total = box.querySelector("[data-import-total]");

  function poll() {
    window.fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (data.status !== state) { window.location.reload(); return; }
        if (data.total) { bar.max = data.total; total.textContent = data.total; }
        bar.value = data.processed;
        count.textContent = data.processed;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
